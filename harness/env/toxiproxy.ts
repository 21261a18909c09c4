/**
 * A typed client for Toxiproxy's HTTP API (/proxies, /proxies/{name}, /proxies/{name}/toxics, /reset).
 * Written on fetch rather than toxiproxy-node-client: the API is a handful of JSON calls, and owning them lets
 * errors carry the proxy name and the server's answer (code TOXIPROXY_API).
 */
import { LosslabError } from "../errors.js";

export type ToxicType = "latency" | "bandwidth" | "slow_close" | "timeout" | "reset_peer" | "slicer" | "limit_data";
export type ToxicStream = "upstream" | "downstream";

export interface ToxicSpec {
  name: string;
  type: ToxicType;
  stream: ToxicStream;
  toxicity?: number;
  attributes: Record<string, number>;
}

export interface ProxySpec {
  name: string;
  listen: string;
  upstream: string;
  enabled?: boolean;
}

export interface ProxyState extends Required<ProxySpec> {
  toxics: ToxicSpec[];
}

export class ToxiproxyClient {
  constructor(readonly url: string) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(this.url + path, {
        method,
        headers: body === undefined ? undefined : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      throw new LosslabError("TOXIPROXY_API", `${method} ${path}: toxiproxy unreachable at ${this.url}`, { cause: error, retriable: true });
    }
    const text = await response.text();
    if (!response.ok) {
      throw new LosslabError("TOXIPROXY_API", `${method} ${path}: HTTP ${response.status} ${text.trim()}`);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  version(): Promise<string> {
    return fetch(this.url + "/version", { signal: AbortSignal.timeout(2_000) }).then(async (r) => {
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      const text = (await r.text()).trim();
      try {
        return (JSON.parse(text) as { version: string }).version;
      } catch {
        return text;
      }
    });
  }

  createProxy(spec: ProxySpec): Promise<ProxyState> {
    return this.call("POST", "/proxies", { enabled: true, ...spec });
  }

  getProxy(name: string): Promise<ProxyState> {
    return this.call("GET", `/proxies/${encodeURIComponent(name)}`);
  }

  listProxies(): Promise<Record<string, ProxyState>> {
    return this.call("GET", "/proxies");
  }

  /** A disabled proxy refuses connections and drops the open ones: a network partition of that link. */
  async setEnabled(name: string, enabled: boolean): Promise<void> {
    const current = await this.getProxy(name);
    await this.call("POST", `/proxies/${encodeURIComponent(name)}`, {
      listen: current.listen,
      upstream: current.upstream,
      enabled,
    });
  }

  addToxic(proxy: string, toxic: ToxicSpec): Promise<ToxicSpec> {
    return this.call("POST", `/proxies/${encodeURIComponent(proxy)}/toxics`, { toxicity: 1, ...toxic });
  }

  removeToxic(proxy: string, toxic: string): Promise<void> {
    return this.call("DELETE", `/proxies/${encodeURIComponent(proxy)}/toxics/${encodeURIComponent(toxic)}`);
  }

  listToxics(proxy: string): Promise<ToxicSpec[]> {
    return this.call("GET", `/proxies/${encodeURIComponent(proxy)}/toxics`);
  }

  /** Enables every proxy and removes every toxic. */
  reset(): Promise<void> {
    return this.call("POST", "/reset");
  }
}
