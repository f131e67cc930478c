// The app imports the client's TypeScript source (clients/typescript/src), so that
// `make dev` needs no build of the client first; openapi-fetch comes from this
// app's node_modules (dedupe), so clients/typescript needs no `npm ci` either.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const repo = fileURLToPath(new URL("../..", import.meta.url));

export default defineConfig({
  // make dev prints the API's banner first: keep it on screen.
  clearScreen: false,
  resolve: {
    alias: { "@auth-api/client": `${repo}/clients/typescript/src/index.ts` },
    dedupe: ["openapi-fetch"],
  },
  // Bundled when the server starts, not at the first page load (which would reload the page).
  optimizeDeps: { include: ["qrcode", "openapi-fetch"] },
  server: {
    port: 5173,
    strictPort: true,
    fs: { allow: [repo] },
  },
  // The app's own origin must be the one the API allows (CORS_ALLOWED_ORIGINS).
  preview: { port: 5173, strictPort: true },
});
