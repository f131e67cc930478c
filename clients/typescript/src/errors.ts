import type { ErrorCode, Problem } from "./types.js";

/** An answer other than 2xx: the API's problem body (RFC 9457), with its stable `code`. */
export class AuthApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode | undefined;
  readonly field: string | undefined;
  readonly problem: Partial<Problem>;

  constructor(status: number, problem: Partial<Problem> | undefined) {
    super(problem?.detail ?? `the API answered ${status}`);
    this.name = "AuthApiError";
    this.status = status;
    this.problem = problem ?? {};
    this.code = problem?.code;
    this.field = problem?.field;
  }
}

/** The data of an openapi-fetch answer, or the problem thrown. */
export function unwrap<T>(answer: { data?: T; error?: unknown; response: Response }): T {
  if (answer.response.ok) {
    return answer.data as T;
  }
  throw new AuthApiError(answer.response.status, answer.error as Partial<Problem> | undefined);
}
