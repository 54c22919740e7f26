/** User or account traits: flat values only. */
export type Traits = Record<string, string | number | boolean | null>;

/** Event properties: any JSON-serialisable values. */
export type Properties = Record<string, unknown>;

/** A user or an account: your id for it, and optional traits. */
export interface Identity {
  /** 1-128 bytes, no control characters. */
  id: string;
  traits?: Traits;
}

export interface InitOptions {
  /** The workspace's public write key. */
  writeKey: string;
  /** Base URL of the Cairn edge, e.g. `https://edge.example.com` (no `/v1/events`). */
  endpoint: string;
  /** The signed-in user. */
  user: Identity;
  /** The user's account (company, workspace, tenant). */
  account: Identity;
  /** Send as soon as this many events are queued (default 20). */
  flushAt?: number;
  /** Send when the oldest queued event is this old, in ms (default 5000). */
  flushIntervalMs?: number;
  /** Log rejected calls and delivery problems to the console (default false). */
  debug?: boolean;
  /**
   * Where to load the WebAssembly module from (default: `./wasm/cairn_sdk_bg.wasm` next to
   * this file). Set it when a bundler moves the file.
   */
  wasmUrl?: string | URL | Request | Response | BufferSource | WebAssembly.Module;
  /**
   * Where to load the guides' WebAssembly module from, fetched only when a decision first
   * carries a message (default: `cairn_guides_bg.wasm` next to `wasmUrl`).
   */
  guidesUrl?: string | URL | Request | Response | BufferSource | WebAssembly.Module;
}

/**
 * Loads and starts the SDK: records `identify`, `group` and a `page` view, and fetches the
 * first decision. Resolves when ready; rejects on invalid options.
 */
export function init(options: InitOptions): Promise<void>;

/** Sets the current user and records their traits. Never throws. */
export function identify(userId: string, traits?: Traits): void;

/** Sets the current account and records its traits. Never throws. */
export function group(accountId: string, traits?: Traits): void;

/** Records use of the feature `name`. Never throws. */
export function track(name: string, properties?: Properties): void;

/** Records a view of the current path (`title`, `url` and `referrer` are added). Never throws. */
export function page(properties?: Properties): void;

/** Sends what is queued now. Resolves when that request has finished or nothing was queued. */
export function flush(): Promise<void>;

/**
 * Prints to the console why each campaign is or is not shown to the current user on this
 * page (one line per campaign), and resolves with the decision, or the edge's error body
 * when the write key is not debug-enabled; `null` before `init`.
 */
export function debug(): Promise<unknown>;
