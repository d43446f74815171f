/** Helpers for WebSocket tests: real sockets through the Worker (or straight to a room), read as a queue. */
import { env } from "cloudflare:workers";
import { getConfig } from "../src/config";
import { roomIndexFor, roomStub } from "../src/services/realtime/rooms";
import { type ConnectionSeed, SEED_HEADER } from "../src/services/realtime/seed";
import { call } from "./helpers";

/** How long a test waits for a message or a close before failing (never reached when things work). */
const WAIT_MS = 5_000;

/** The client end of a socket, with everything it received kept in order. */
export class Client {
  private readonly received: string[] = [];
  private waiters: Array<() => void> = [];
  /** Resolves with the close the server (or the runtime) sent. */
  readonly closed: Promise<{ code: number; reason: string }>;
  isClosed = false;

  constructor(readonly ws: WebSocket) {
    ws.accept();
    ws.addEventListener("message", (event) => {
      this.received.push(typeof event.data === "string" ? event.data : "[binary]");
      this.wake();
    });
    this.closed = new Promise((resolve) => {
      ws.addEventListener("close", (event) => {
        this.isClosed = true;
        this.wake();
        resolve({ code: event.code, reason: event.reason });
      });
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Sends a JSON message (or a raw string). */
  send(message: unknown): void {
    this.ws.send(typeof message === "string" ? message : JSON.stringify(message));
  }

  /** The next message as raw text; fails when none arrives in time or the socket closes first. */
  async nextText(): Promise<string> {
    const deadline = Date.now() + WAIT_MS;
    while (this.received.length === 0) {
      if (this.isClosed) throw new Error("the socket closed while a message was awaited");
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`no message within ${WAIT_MS} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.received.shift() as string;
  }

  /** The next message, parsed. */
  // biome-ignore lint/suspicious/noExplicitAny: assertions inspect arbitrary JSON.
  async next(): Promise<any> {
    return JSON.parse(await this.nextText());
  }

  /** Sends a message and returns the next one received (its acknowledgement or error). */
  // biome-ignore lint/suspicious/noExplicitAny: assertions inspect arbitrary JSON.
  async request(message: unknown): Promise<any> {
    this.send(message);
    return this.next();
  }

  /** Messages received and not read yet. */
  pending(): string[] {
    return [...this.received];
  }

  /** Waits for the close; fails when it does not come in time. */
  async closeEvent(): Promise<{ code: number; reason: string }> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no close within ${WAIT_MS} ms`)), WAIT_MS);
    });
    try {
      return await Promise.race([this.closed, timeout]);
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
  }

  close(): void {
    try {
      this.ws.close(1000, "test done");
    } catch {
      // already closed
    }
  }
}

/** Requests an upgrade of `path` through the Worker. */
export function upgrade(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return call(path, { headers: { Upgrade: "websocket", ...headers } });
}

/** Opens a socket through the Worker, failing unless the upgrade succeeds. */
export async function connect(path: string, headers: Record<string, string> = {}): Promise<Client> {
  const res = await upgrade(path, headers);
  if (res.status !== 101 || !res.webSocket) throw new Error(`upgrade refused: ${res.status} ${await res.text()}`);
  return new Client(res.webSocket);
}

/** The room stub that holds an account's sockets. */
export function roomOf(accountId: string) {
  return roomStub(env, roomIndexFor(accountId, getConfig(env).WS_ROOM_SHARDS));
}

/** A seed for connecting straight to a room (room-level tests). */
export function seed(overrides: Partial<ConnectionSeed> = {}): ConnectionSeed {
  return {
    endpoint: "market",
    account_id: `usr_ws_${crypto.randomUUID()}`,
    key_id: null,
    session_id: null,
    tier: "jwt",
    expires_at: null,
    ip: null,
    ...overrides,
  };
}

/** Upgrades straight into a room, as the Worker does after authentication. */
export function roomUpgrade(room: DurableObjectStub, connection: ConnectionSeed): Promise<Response> {
  return room.fetch("https://stream-room.internal/connect", {
    headers: { Upgrade: "websocket", [SEED_HEADER]: JSON.stringify(connection) },
  });
}
