// Every call the fake answered, for assertions such as "the client sent exactly one update".

export interface RecordedCall {
  method: string;
  /** Unversioned path. */
  path: string;
  query: Record<string, string>;
  status: number;
  /** Virtual time of the call, in ms since the epoch. */
  at: number;
}

export class CallHistory {
  readonly calls: RecordedCall[] = [];

  record(call: RecordedCall): void {
    this.calls.push(call);
  }

  clear(): void {
    this.calls.length = 0;
  }
}
