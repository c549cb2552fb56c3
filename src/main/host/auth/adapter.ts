import { PERSISTED_MODELS, type OAuthStore, type Payload } from './store.js';

/** The storage interface oidc-provider asks of an adapter (one instance per model name). */
export interface ProviderAdapter {
  upsert(id: string, payload: Payload, expiresIn?: number): Promise<void>;
  find(id: string): Promise<Payload | undefined>;
  findByUid(uid: string): Promise<Payload | undefined>;
  findByUserCode(userCode: string): Promise<Payload | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

interface MemoryEntry {
  payload: Payload;
  expiresAt: number | undefined;
}

/**
 * Adapters for oidc-provider: grants and tokens go to the OAuthStore (keychain, by hash), client
 * registrations to its client list, and short-lived interaction state (sessions, interactions,
 * authorization codes) stays in this process's memory, gone on restart as it should be.
 */
export function adapterFactory(store: OAuthStore, issuer: () => string): (model: string) => ProviderAdapter {
  const memory = new Map<string, MemoryEntry>();
  const live = (key: string): Payload | undefined => {
    const entry = memory.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      memory.delete(key);
      return undefined;
    }
    return entry.payload;
  };
  const sweep = () => {
    const now = Date.now();
    for (const [key, entry] of memory) if (entry.expiresAt !== undefined && entry.expiresAt <= now) memory.delete(key);
  };

  return (model) => {
    if (PERSISTED_MODELS.has(model)) {
      return {
        // Grants and tokens are bound to the issuer that made them (its origin, port included):
        // when Tarmac serves from another port, tokens it gave out before open nothing there.
        upsert: (id, payload, expiresIn) => store.upsert(model, id, { ...payload, iss: issuer() }, expiresIn),
        async find(id) {
          const payload = await store.find(model, id);
          return payload && (payload.iss === undefined || payload.iss === issuer()) ? payload : undefined;
        },
        findByUid: async () => undefined,
        findByUserCode: async () => undefined,
        consume: (id) => store.consume(model, id),
        destroy: (id) => store.destroy(model, id),
        revokeByGrantId: (grantId) => store.revokeByGrantId(model, grantId),
      };
    }
    if (model === 'Client') {
      return {
        // oidc-provider mints a secret when a registration names no auth method, though the
        // client is public (method "none"): it is never needed, so it is never kept.
        upsert: (id, { client_secret: _secret, client_secret_expires_at: _expires, ...metadata }) => store.saveClient(id, metadata),
        find: (id) => store.clientMetadata(id),
        findByUid: async () => undefined,
        findByUserCode: async () => undefined,
        consume: async () => undefined,
        destroy: (id) => store.destroyClient(id),
        revokeByGrantId: async () => undefined,
      };
    }
    const key = (id: string) => `${model}:${id}`;
    return {
      async upsert(id, payload, expiresIn) {
        sweep();
        memory.set(key(id), { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : undefined });
      },
      find: async (id) => live(key(id)),
      async findByUid(uid) {
        for (const [k, e] of memory) if (k.startsWith(`${model}:`) && e.payload.uid === uid) return live(k);
        return undefined;
      },
      async findByUserCode(userCode) {
        for (const [k, e] of memory) if (k.startsWith(`${model}:`) && e.payload.userCode === userCode) return live(k);
        return undefined;
      },
      async consume(id) {
        const payload = live(key(id));
        if (payload) payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id) {
        memory.delete(key(id));
      },
      async revokeByGrantId(grantId) {
        for (const [k, e] of memory) if (e.payload.grantId === grantId) memory.delete(k);
      },
    };
  };
}
