// The API versions the fake speaks, apart from the response helpers so that the encoder (which
// writes only what API_VERSION has) and the helpers (which use the encoder) need not import each other.

/** What /_ping and /version advertise: Docker 20.10's version, whose shapes the fake answers in. */
export const API_VERSION = "1.41";
export const MIN_API_VERSION = "1.12";
/**
 * Paths up to the newest version in spec/ are served (a 20.10 engine refuses above 1.41), so that
 * clients pinned to a newer version still work; negotiating clients settle on API_VERSION.
 */
export const MAX_API_VERSION = "1.56";
