/**
 * A WebSocket class for the client SDK's stream helper whose sockets go through the Worker's own
 * fetch (the upgrade response's `webSocket`), so the helper runs against the real routes and rooms.
 */
import { exports } from "cloudflare:workers";
import type { WebSocketLike } from "../src/client";

type Handler = (event: { data?: unknown; code?: number; reason?: string }) => void;

/** Every socket a `workerWebSocket()` class opened, with what the client sent on it. */
export interface SocketLog {
  url: string;
  sent: string[];
}

/** A WebSocket constructor (browser API shape) that connects through `exports.default.fetch`. */
export function workerWebSocket(log: SocketLog[] = []) {
  return class WorkerSocket implements WebSocketLike {
    readyState = 0;
    private socket: WebSocket | null = null;
    private readonly handlers = new Map<string, Handler[]>();
    private readonly entry: SocketLog;

    constructor(url: string) {
      this.entry = { url, sent: [] };
      log.push(this.entry);
      void this.open(url);
    }

    private async open(url: string): Promise<void> {
      const res = await exports.default.fetch(
        new Request(url.replace(/^ws/, "http"), { headers: { Upgrade: "websocket" } }),
      );
      if (res.status !== 101 || !res.webSocket) {
        this.readyState = 3;
        this.fire("error", {});
        this.fire("close", { code: 1006, reason: `upgrade refused with ${res.status}` });
        return;
      }
      const socket = res.webSocket;
      socket.accept();
      this.socket = socket;
      socket.addEventListener("message", (event) => this.fire("message", { data: event.data }));
      socket.addEventListener("close", (event) => {
        this.readyState = 3;
        this.fire("close", { code: event.code, reason: event.reason });
      });
      this.readyState = 1;
      this.fire("open", {});
    }

    private fire(type: string, event: Parameters<Handler>[0]): void {
      for (const handler of this.handlers.get(type) ?? []) handler(event);
    }

    send(data: string): void {
      this.entry.sent.push(data);
      this.socket?.send(data);
    }

    close(code?: number, reason?: string): void {
      this.readyState = 2;
      try {
        this.socket?.close(code, reason);
      } catch {
        // already closed
      }
    }

    addEventListener(type: "open" | "message" | "close" | "error", handler: Handler): void {
      const list = this.handlers.get(type) ?? [];
      list.push(handler);
      this.handlers.set(type, list);
    }
  };
}
