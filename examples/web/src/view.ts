// The page's plumbing: one <section> per screen, a notice, an error, and forms
// whose handlers may throw (the error is shown, the button is usable again).
import { AuthApiError } from "@auth-api/client";

export type Screen = "loading" | "login" | "signup" | "confirm" | "new-password" | "totp-setup" | "mfa" | "select-mfa" | "otp" | "reauth" | "home";

export function $<T extends HTMLElement = HTMLElement>(selector: string): T {
  const element = document.querySelector<T>(selector);
  if (!element) throw new Error(`no ${selector} in the page`);
  return element;
}

export function show(screen: Screen, notice?: string): void {
  for (const section of document.querySelectorAll("main > section")) {
    (section as HTMLElement).hidden = section.id !== screen;
  }
  setText("#notice", notice);
  setText("#error", undefined);
  document.querySelector<HTMLInputElement>(`#${screen} input`)?.focus();
}

/** An AuthApiError's detail, a message, or (anything else) a general one; the details go to the console. */
export function showError(error: unknown): void {
  // The API's problem bodies say what went wrong in `detail`, fit for people.
  const message =
    typeof error === "string" ? error : error instanceof AuthApiError ? error.message : "Something went wrong. Try again.";
  if (typeof error !== "string" && !(error instanceof AuthApiError)) console.error(error);
  setText("#error", message);
}

/** A notice on the screen on show. */
export function showNotice(text: string): void {
  setText("#notice", text);
}

function setText(selector: string, text: string | undefined): void {
  const element = $(selector);
  element.textContent = text ?? "";
  element.hidden = !text;
}

/**
 * Runs `handler` with the form's fields on submit (the button pressed included, by its
 * name and value); the form is cleared when it succeeds.
 */
export function onSubmit(form: HTMLFormElement, handler: (fields: Record<string, string>) => Promise<void>): void {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    // Read before the buttons are disabled: a disabled submitter is left out of the form data.
    const fields = Object.fromEntries([...new FormData(form, event.submitter)].map(([name, value]) => [name, String(value)]));
    const buttons = [...form.querySelectorAll("button")];
    for (const button of buttons) button.disabled = true;
    try {
      await handler(fields);
      form.reset();
    } catch (error) {
      showError(error);
    } finally {
      for (const button of buttons) button.disabled = false;
    }
  });
}
