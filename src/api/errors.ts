/**
 * GuardDuty's error shapes. Every failure leaves the API as `{"message", "__type"}` with the
 * exception name in `x-amzn-errortype` and GuardDuty's status code — never a stack trace.
 *   400 BadRequestException (body __type InvalidInputException), 403 AccessDeniedException,
 *   404 ResourceNotFoundException, 409 ConflictException, 500 InternalServerErrorException.
 */

export type ApiErrorName = 'BadRequestException' | 'AccessDeniedException' | 'ResourceNotFoundException' | 'ConflictException' | 'InternalServerErrorException';

const STATUS: Record<ApiErrorName, number> = {
  BadRequestException: 400, AccessDeniedException: 403, ResourceNotFoundException: 404, ConflictException: 409, InternalServerErrorException: 500,
};

/** The `__type` GuardDuty puts in the body for each exception. */
const BODY_TYPE: Record<ApiErrorName, string> = {
  BadRequestException: 'InvalidInputException', AccessDeniedException: 'AccessDeniedException',
  ResourceNotFoundException: 'ResourceNotFoundException', ConflictException: 'ConflictException',
  InternalServerErrorException: 'InternalException',
};

export class ApiError extends Error {
  constructor(override readonly name: ApiErrorName, message: string) { super(message); }
  get status(): number { return STATUS[this.name]; }
  get body(): { message: string; __type: string } { return { message: this.message, __type: BODY_TYPE[this.name] }; }
}

export const badRequest = (m: string) => new ApiError('BadRequestException', m);
export const notFound = (m: string) => new ApiError('ResourceNotFoundException', m);
export const denied = (m: string) => new ApiError('AccessDeniedException', m);
export const conflict = (m: string) => new ApiError('ConflictException', m);
