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
  user: Identity & {
    /**
     * Hex HMAC-SHA256 of the user id with the workspace's identity secret, computed by your
     * backend (the secret never reaches the browser). Required for invitations and approvals
     * when the workspace enforces signed identities.
     */
    hash?: string;
  };
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

/** An error answer of the edge: `code` is stable, `field` names the offending field. */
export interface CairnError extends Error {
  code?: string;
  field?: string;
}

export interface InviteResult {
  email: string;
  status: 'invited' | 'resent' | 'member' | 'domain_not_allowed' | 'suppressed';
  invite_id?: string;
}

/** Invites teammates (at most 20 addresses). Needs `user.hash` when the workspace enforces it. */
export function invite(fields: { emails: string[]; role?: string; note?: string }): Promise<{ results: InviteResult[] }>;

/** Whom to invite: the account's target list, then colleagues inactive for 30 days. */
export function inviteSuggestions(): Promise<{
  suggestions: { email: string; name?: string; source: 'target_list' | 'inactive_user' }[];
}>;

/** Accepts an invitation (the `token` of the accept link) as the current user. */
export function acceptInvite(fields: { token: string }): Promise<{
  account_id: string;
  invite: Record<string, unknown>;
  approval_id?: string;
}>;

export interface Approval {
  id: string;
  action: string;
  resource: { id: string; summary: string; amount?: number; currency?: string };
  requester: string;
  approver: { user_id?: string; email?: string };
  status: 'pending' | 'approved' | 'rejected' | 'expired';
  comment?: string;
  created_at: number;
  decided_at?: number;
  expires_at: number;
}

/**
 * Asks for an approval. Without `approver`, a dialog asks the user who should approve.
 * The decision arrives as a `cairn:approval` event on window (`event.detail` is the
 * approval). Rejects with `code: 'cancelled'` when the dialog is cancelled.
 */
export function requestApproval(fields: {
  action: string;
  resource: { id: string; summary: string; amount?: number; currency?: string };
  approver?: { user_id: string } | { email: string };
}): Promise<{ approval: Approval; invited: boolean }>;

/** Approvals waiting for the current user, and the user's own requests of the last 30 days. */
export function approvals(): Promise<{ assigned: Approval[]; requested: Approval[] }>;

/** Approves or rejects (only the assigned approver may). */
export function decideApproval(fields: {
  approval_id: string;
  decision: 'approve' | 'reject';
  comment?: string;
}): Promise<{ approval: Approval }>;
