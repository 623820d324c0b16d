import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detect, cloudTrailFile, ctRecord } from '../../testing/harness.js';
import { consoleLogin } from './console-login.js';

const T = Date.UTC(2026, 2, 2, 8, 0, 0);
const USER = { type: 'IAMUser', principalId: 'AIDAEXAMPLEPRINCIPAL1', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333', userName: 'alice' };
const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36';

function login(time: number, ip: string, ok = true) {
  return ctRecord({
    userIdentity: USER, eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', eventType: 'AwsConsoleSignIn', eventTime: new Date(time).toISOString(),
    sourceIPAddress: ip, userAgent: BROWSER, readOnly: false, requestParameters: null,
    responseElements: { ConsoleLogin: ok ? 'Success' : 'Failure' }, ...(ok ? {} : { errorMessage: 'Failed authentication' }),
    additionalEventData: { LoginTo: 'https://console.aws.amazon.com/console/home', MobileVersion: 'No', MFAUsed: 'No' },
  });
}

const run = (records: object[]) => detect([{ kind: 'cloudtrail', text: cloudTrailFile(records) }], { detectors: [consoleLogin] }).candidates;

test('successful console logins from France and Moldova 40 minutes apart: ConsoleLoginSuccess.B (Medium)', () => {
  const found = run([login(T, '86.245.153.234'), login(T + 40 * 60_000, '45.142.212.61')]);
  assert.equal(found.length, 1);
  const [c] = found;
  assert.equal(c.type, 'UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B');
  assert.equal(c.severity, 5);
  assert.equal(c.resourceRole, 'TARGET');
  assert.deepEqual(c.resource.accessKeyDetails, { principalId: 'AIDAEXAMPLEPRINCIPAL1', userName: 'alice', userType: 'IAMUser', accessKeyId: undefined });
  assert.equal(c.action.awsApiCallAction?.api, 'ConsoleLogin');
  assert.equal(c.action.awsApiCallAction?.remoteIpDetails?.country?.countryName, 'Moldova');
  const info = c.additionalInfo as { logins: { ip: string; country: string; network: string }[]; mfaUsed: string };
  assert.deepEqual(info.logins.map((l) => [l.ip, l.country, l.network]), [['86.245.153.234', 'FR', 'Orange S.A.'], ['45.142.212.61', 'MD', 'WorkTitans B.V.']]);
  assert.equal(info.mfaUsed, 'No');
  assert.equal(c.key, USER.arn);
});

test('a login from an address that cannot be placed, beside one from the usual country: different networks count', () => {
  assert.equal(run([login(T, '86.245.153.234'), login(T + 20 * 60_000, '225.1.0.16')]).length, 1);
});

test('silent for logins from one country (two ISPs at home and office), far apart in time, or failed', () => {
  assert.deepEqual(run([login(T, '86.245.153.234'), login(T + 30 * 60_000, '86.245.153.235'), login(T + 3_600_000, '86.245.153.234')]), []);
  assert.deepEqual(run([login(T, '86.245.153.234'), login(T + 5 * 3_600_000, '45.142.212.61')]), []);
  assert.deepEqual(run([login(T, '86.245.153.234'), login(T + 10 * 60_000, '45.142.212.61', false)]), []);
});
