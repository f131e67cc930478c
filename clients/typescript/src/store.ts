// Token mode's long-lived credentials. The caller keeps them where the platform
// keeps secrets (the Keychain, the Android Keystore); this client never writes them anywhere.
export type StoredName = "refreshToken" | "deviceKey";

export interface CredentialStore {
  get(name: StoredName): string | null | Promise<string | null>;
  set(name: StoredName, value: string | null): void | Promise<void>;
}

/** Kept in memory: gone when the process ends (scripts, tests). */
export function memoryStore(): CredentialStore {
  const values = new Map<StoredName, string>();
  return {
    get: (name) => values.get(name) ?? null,
    set: (name, value) => {
      if (value === null) values.delete(name);
      else values.set(name, value);
    },
  };
}
