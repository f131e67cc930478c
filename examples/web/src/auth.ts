// The one client of the app. Cookie mode: the API keeps the refresh token in an
// HttpOnly cookie, so this page only ever holds the short-lived access token, in memory.
import { AuthClient } from "@auth-api/client";

/**
 * Call the API as http://localhost:3000, not 127.0.0.1: to the browser that is
 * another site than this page's http://localhost:5173, and SameSite=Strict
 * cookies would not be sent. The browser tests set VITE_API_URL to their own port.
 */
export const API_URL: string = import.meta.env.VITE_API_URL ?? "http://localhost:3000";

let onSignedOut = () => {};

export const auth = new AuthClient({
  baseUrl: API_URL,
  mode: "cookie",
  // A refresh refused (the session revoked or expired): the user signs in again.
  onSignedOut: () => onSignedOut(),
});

export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}
