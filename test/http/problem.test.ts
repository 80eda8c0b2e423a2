// The HTTP side of the error contract: every stable code of the core has a status here, a refusal
// answers 4xx and a fault 5xx, and the problem+json body carries that status.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ERROR_CODES, MandateError, type ErrorCode } from '../../src/core/errors.js';
import { ERROR_STATUS, problemOf, statusOf } from '../../src/http/problem.js';

test('every stable code has an HTTP status: 4xx for a refusal, 5xx for a fault', () => {
  assert.deepEqual(Object.keys(ERROR_STATUS).sort(), Object.keys(ERROR_CODES).sort());
  for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
    const err = new MandateError(code, 'x');
    const status = statusOf(err);
    assert.equal(status >= 400 && status < 500, err.refusal, `${code} answers ${status}`);
    assert.equal(status >= 500 && status < 600, !err.refusal, `${code} answers ${status}`);
    assert.equal(problemOf(err).status, status);
  }
});

test('statuses the API documents stay as they are', () => {
  assert.equal(statusOf(new MandateError('VALIDATION_FAILED', 'x')), 400);
  assert.equal(statusOf(new MandateError('UNAUTHENTICATED', 'x')), 401);
  assert.equal(statusOf(new MandateError('SEPARATION_OF_DUTIES', 'x')), 403);
  assert.equal(statusOf(new MandateError('NOT_FOUND', 'x')), 404);
  assert.equal(statusOf(new MandateError('INVALID_TRANSITION', 'x')), 409);
  assert.equal(statusOf(new MandateError('PRECONDITION_FAILED', 'x')), 412);
  assert.equal(statusOf(new MandateError('MANIFEST_REJECTED', 'x')), 422);
  assert.equal(statusOf(new MandateError('PRECONDITION_REQUIRED', 'x')), 428);
  assert.equal(statusOf(new MandateError('NOT_READY', 'x')), 503);
});
