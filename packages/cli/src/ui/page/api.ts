// The page's requests to the UI server, by relative address: the token is in the page's path.

/** Posts an action; resolves to the refusal's text when the engine (or the server) refused. */
export async function act(path: string, body: unknown = {}): Promise<string | undefined> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
  } catch {
    return "the flotilla ui server did not answer (is it still running?)";
  }
  if (response.ok) return undefined;
  const answer = await response.json().catch(() => undefined);
  return typeof answer?.error === "string" ? answer.error : `refused (${response.status})`;
}

export async function read<T>(path: string): Promise<{ value?: T; error?: string }> {
  try {
    const response = await fetch(path);
    const answer = await response.json();
    return response.ok ? { value: answer as T } : { error: String(answer?.error ?? response.status) };
  } catch {
    return { error: "the flotilla ui server did not answer (is it still running?)" };
  }
}
