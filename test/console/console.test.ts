/**
 * The web console in a real browser: Debian's chromium driven by playwright-core against a live
 * `vigil serve` (the API tests' harness: in-process, temporary database, administrator and member
 * keys) loaded with sample findings in three accounts. Sign-in (and a wrong key), the summary,
 * filtering with the filter in the URL, a finding's detail and archiving it, a suppression rule
 * that archives a new finding as it arrives, reordering rules, a threat list added and tested, the
 * accounts and ingestion pages, an API failure that leaves the page usable, and a member who must
 * not see other accounts. Screenshots of every page go to test/.artifacts/console/ (git-ignored).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { CreateDetectorCommand, CreateFilterCommand, CreateSampleFindingsCommand, GetFilterCommand, GetFindingsCommand, ListDetectorsCommand, ListFindingsCommand } from '@aws-sdk/client-guardduty';
import { startHarness, scanSamples, KEYS, REGION, ADMIN_ACCOUNT, MEMBER1_ACCOUNT, MEMBER2_ACCOUNT, type Harness, type Key } from '../api/harness.js';
import { DETECTORS } from '../../src/detectors/registry.js';
import { detectorIdFor } from '../../src/findings/index.js';
import { sampleCandidate } from '../../src/findings/samples.js';
import { buildFinding } from '../../src/findings/build.js';
import { CONSOLE_DIR } from '../../src/api/routes/console.js';

const CHROMIUM = process.env.VIGIL_CHROMIUM ?? '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ARTIFACTS = join(ROOT, 'test/.artifacts/console');
/** The type no finding has at first: the suppression rule's. */
const SUPPRESSED = 'Recon:EC2/PortProbeUnprotectedPort';

const skip = existsSync(CHROMIUM) ? false : `no chromium at ${CHROMIUM} (apt-get install chromium; .ci/run does)`;

async function waitText(l: Locator, re: RegExp, timeout = 10_000): Promise<string> {
  const end = Date.now() + timeout;
  let last = '';
  while (Date.now() < end) {
    last = (await l.first().textContent().catch(() => '')) ?? '';
    if (re.test(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${re} (last text: ${JSON.stringify(last.slice(0, 300))})`);
}

/** The bundle is missing or older than a source file (CI builds it through npm ci's prepare). */
function bundleStale(): boolean {
  const built = join(CONSOLE_DIR, 'index.html');
  if (!existsSync(built)) return true;
  const t = statSync(built).mtimeMs;
  const newer = (d: string): boolean => readdirSync(d, { withFileTypes: true }).some((e) => (e.isDirectory() ? newer(join(d, e.name)) : statSync(join(d, e.name)).mtimeMs > t));
  return newer(join(ROOT, 'web/src')) || statSync(join(ROOT, 'web/index.html')).mtimeMs > t;
}

describe('web console in chromium', { skip }, () => {
  let h: Harness;
  let browser: Browser;
  let page: Page;
  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  const rows = () => page.locator('table.findings tbody tr');
  const accountsShown = async () => (await page.locator('table.findings tbody tr td:nth-child(5)').allTextContents()).map((s) => s.trim());

  async function signIn(key: Key) {
    await page.goto(`${h.url}/`);
    await page.getByLabel('Access key ID').fill(key.accessKeyId);
    await page.getByLabel('Secret access key').fill(key.secretAccessKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Summary', level: 1 }).waitFor();
  }
  async function samples(key: Key, detectorId: string, types: string[]) {
    for (let i = 0; i < types.length; i += 50) await h.sdk(key).send(new CreateSampleFindingsCommand({ DetectorId: detectorId, FindingTypes: types.slice(i, i + 50) }));
  }
  async function memberDetector(key: Key, account: string) {
    const [id] = (await h.sdk(key).send(new ListDetectorsCommand({}))).DetectorIds ?? [];
    return id ?? (await h.sdk(key).send(new CreateDetectorCommand({ Enable: true }))).DetectorId ?? detectorIdFor(account, REGION);
  }
  async function goFindings(query = '') {
    await page.goto(`${h.url}/console/findings${query}`);
    await page.getByRole('heading', { name: 'Findings', level: 1 }).waitFor();
    await page.locator('table.findings[aria-busy="false"]').waitFor();
  }

  before(async () => {
    if (bundleStale()) execFileSync('npx', ['vite', 'build', 'web'], { cwd: ROOT, stdio: 'inherit' });
    mkdirSync(ARTIFACTS, { recursive: true });
    h = await startHarness();
    await scanSamples(h); // real findings (and ingestion counts) in MEMBER1's account, from the bundled logs
    const types = [...new Set(DETECTORS.flatMap((d) => d.findingTypes))].filter((t) => t !== SUPPRESSED);
    await samples(KEYS.admin, h.adminDetectorId, types);
    await samples(KEYS.member1, await memberDetector(KEYS.member1, MEMBER1_ACCOUNT), ['Backdoor:EC2/Spambot', 'UnauthorizedAccess:EC2/SSHBruteForce']);
    await samples(KEYS.member2, await memberDetector(KEYS.member2, MEMBER2_ACCOUNT), [SUPPRESSED, 'Backdoor:EC2/Spambot']);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    page = await browser.newPage({ viewport: { width: 1366, height: 800 } });
    page.on('pageerror', (e) => { throw e; });
  });

  after(async () => {
    await browser?.close();
    await h?.stop();
  });

  test('/ opens the console; a wrong secret gets a clear message', async () => {
    await page.goto(`${h.url}/`);
    assert.match(page.url(), /\/console\/$/);
    await page.getByLabel('Access key ID').fill(KEYS.admin.accessKeyId);
    await page.getByLabel('Secret access key').fill('not-the-secret');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const text = await waitText(page.getByRole('alert'), /Sign-in failed/);
    assert.match(text, /did not accept this access key ID and secret access key/);
    await shot('sign-in-wrong-key');
    assert.equal(await page.evaluate<string | null>('sessionStorage.getItem("vigil.session")'), null);
  });

  test('summary: counts by severity, findings over time, top types, resources, accounts, ingestion', async () => {
    await signIn(KEYS.admin);
    await page.locator('[data-testid="count-high"]').waitFor();
    const count = async (band: string) => Number((await page.locator(`[data-testid="count-${band}"]`).textContent())!.replace(/,/g, ''));
    const total = (await count('critical')) + (await count('high')) + (await count('medium')) + (await count('low'));
    let listed = 0, token: string | undefined;
    do {
      const r = await h.sdk(KEYS.admin).send(new ListFindingsCommand({ DetectorId: h.adminDetectorId, FindingCriteria: { Criterion: { 'service.archived': { Eq: ['false'] } } }, MaxResults: 50, NextToken: token }));
      listed += r.FindingIds!.length;
      token = r.NextToken || undefined;
    } while (token);
    assert.equal(total, listed);
    assert.ok(await count('critical') > 0 && await count('high') > 0);
    await page.locator('.chart canvas').first().waitFor();
    const accounts = await page.getByRole('region', { name: /Most affected accounts/ }).count() + await page.locator('text=Most affected accounts').count();
    assert.ok(accounts > 0);
    for (const a of [ADMIN_ACCOUNT, MEMBER1_ACCOUNT, MEMBER2_ACCOUNT]) await page.getByRole('link', { name: a }).first().waitFor();
    await waitText(page.locator('text=records read from'), /records read/);
    assert.equal(JSON.parse((await page.evaluate<string | null>('sessionStorage.getItem("vigil.session")'))!).accessKeyId, KEYS.admin.accessKeyId);
    await shot('summary');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('summary-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  test('keyboard only: skip link, navigation, focus moves to the page, the filter builder', async () => {
    await page.goto(`${h.url}/console/`);
    await page.locator('[data-testid="count-high"]').waitFor();
    const focused = () => page.evaluate<string>('(document.activeElement?.id ? "#" + document.activeElement.id + " " : "") + (document.activeElement?.textContent ?? "").trim().slice(0, 40)');
    await page.keyboard.press('Tab');
    assert.match(await focused(), /Skip to content/);
    await page.keyboard.press('Tab');
    assert.match(await focused(), /^Summary$/);
    await page.keyboard.press('Tab');
    assert.match(await focused(), /^Findings$/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Findings', level: 1 }).waitFor();
    assert.match(await focused(), /^#main /);
    await page.keyboard.press('Tab');
    assert.match(await focused(), /^Add condition$/);
    await page.keyboard.press('Enter');
    assert.match(await focused(), /Finding type/); // the new condition's attribute
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Backdoor:EC2/Spambot');
    await page.keyboard.press('Enter'); // submits the filter
    await waitText(page.getByTestId('criteria-text'), /Finding type is Backdoor:EC2\/Spambot/);
  });

  test('findings: filter by severity and type pattern, the filter in the URL, sort, pages', async () => {
    await page.getByRole('link', { name: 'Findings', exact: true }).click();
    await page.locator('table.findings[aria-busy="false"]').waitFor();
    await page.getByRole('button', { name: 'Add condition' }).click();
    const row1 = page.locator('[data-testid="filter-row"]').nth(0);
    await row1.getByLabel('Attribute of condition 1').selectOption({ label: 'Severity' });
    await row1.getByLabel('from').selectOption({ label: 'High (7)' });
    await page.getByRole('button', { name: 'Add condition' }).click();
    const row2 = page.locator('[data-testid="filter-row"]').nth(1);
    await row2.getByLabel('Operator of condition 2').selectOption('matches');
    await row2.getByLabel('Values of condition 2 (comma-separated)').fill('Backdoor:*');
    await page.getByRole('button', { name: 'Apply filter' }).click();
    await page.waitForURL(/criteria=/);
    await waitText(page.getByTestId('criteria-text'), /Severity ≥ 7 · Finding type matches Backdoor:\*/);
    await page.locator('table.findings[aria-busy="false"]').waitFor();
    const url = page.url();
    const criteria = JSON.parse(new URL(url).searchParams.get('criteria')!);
    assert.deepEqual(criteria.criterion.severity, { gte: 7 });
    assert.deepEqual(criteria.criterion.type, { matches: ['Backdoor:*'] });
    const types = await page.locator('table.findings tbody tr td:nth-child(3) a').allTextContents();
    assert.ok(types.length > 0 && types.every((t) => t.startsWith('Backdoor:')), types.join());
    const sev = (await page.locator('table.findings .sev-num').allTextContents()).map(Number);
    assert.ok(sev.every((s) => s >= 7), sev.join());
    // the link is the view: opened afresh it shows the same filter
    await page.goto(url);
    await waitText(page.getByTestId('criteria-text'), /Severity ≥ 7 · Finding type matches Backdoor:\*/);
    await shot('findings-filtered');
    // sort by severity ascending, then pages of 10 over every current finding
    await goFindings();
    await page.getByRole('button', { name: /^Severity/ }).click();
    await page.waitForURL(/sort=severity%3ADESC|sort=severity:DESC/);
    await page.getByRole('button', { name: /^Severity/ }).click();
    await page.waitForURL(/sort=severity%3AASC|sort=severity:ASC/);
    await page.locator('table.findings[aria-busy="false"]').waitFor();
    await page.getByLabel('Rows per page').selectOption('10');
    await page.locator('table.findings[aria-busy="false"]').waitFor();
    await waitText(page.locator('.pager span'), /Page 1/);
    const first = (await page.locator('table.findings .sev-num').allTextContents()).map(Number);
    assert.equal(first.length, 10);
    assert.deepEqual(first, [...first].sort((a, b) => a - b));
    await page.getByRole('button', { name: 'Next page' }).click();
    await waitText(page.locator('.pager span'), /Page 2/);
    await page.locator('table.findings[aria-busy="false"]').waitFor();
    const second = (await page.locator('table.findings .sev-num').allTextContents()).map(Number);
    assert.ok(second.length === 10 && second[0] >= first[9]);
    await page.getByRole('button', { name: 'Previous page' }).click();
    await waitText(page.locator('.pager span'), /Page 1/);
    // archive two rows from the list, find them under Archived, unarchive them
    await page.locator('table.findings[aria-busy="false"]').waitFor();
    const boxes = page.locator('table.findings tbody input[type=checkbox]');
    const ids = (await Promise.all([0, 1].map((i) => boxes.nth(i).getAttribute('aria-label')))).map((l) => l!.split(' ').pop()!);
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await page.getByRole('button', { name: 'Archive selected', exact: true }).click();
    await waitText(page.getByRole('status').filter({ hasText: /archived/ }), /2 findings archived/);
    const archived = async () => ((await h.sdk(KEYS.admin).send(new GetFindingsCommand({ DetectorId: h.adminDetectorId, FindingIds: ids }))).Findings ?? []).map((f) => f.Service?.Archived);
    assert.deepEqual(await archived(), [true, true]);
    await goFindings(`?criteria=${encodeURIComponent(JSON.stringify({ criterion: { id: { eq: ids }, 'service.archived': { eq: ['true'] } } }))}`);
    assert.equal(await rows().count(), 2);
    await page.getByRole('checkbox', { name: 'Select all on this page' }).check();
    await page.getByRole('button', { name: 'Unarchive selected' }).click();
    await waitText(page.getByRole('status').filter({ hasText: /unarchived/ }), /2 findings unarchived/);
    await page.getByText('No findings match.').waitFor();
    assert.deepEqual(await archived(), [false, false]);
  });

  test('finding detail: readable sections, archive, feedback', async () => {
    await goFindings(`?criteria=${encodeURIComponent(JSON.stringify({ criterion: { type: { eq: ['UnauthorizedAccess:EC2/SSHBruteForce'] }, accountId: { eq: [ADMIN_ACCOUNT] }, 'service.archived': { eq: ['false'] } } }))}`);
    await page.locator('table.findings tbody a').first().click();
    await page.getByRole('heading', { name: /UnauthorizedAccess:EC2\/SSHBruteForce/, level: 1 }).waitFor();
    for (const s of ['Overview', 'Resource', 'Actor', 'Action']) await page.getByRole('region', { name: s }).waitFor();
    await waitText(page.getByRole('region', { name: 'Actor' }), /IP address/);
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    await page.getByRole('button', { name: 'Useful', exact: true }).click();
    await waitText(page.getByRole('status').filter({ hasText: /marked useful/ }), /marked useful/);
    await page.getByRole('button', { name: 'Archive', exact: true }).click();
    await waitText(page.getByRole('status').filter({ hasText: /archived/ }), /Finding archived/);
    await page.getByRole('button', { name: 'Unarchive', exact: true }).waitFor();
    const [f] = (await h.sdk(KEYS.admin).send(new GetFindingsCommand({ DetectorId: h.adminDetectorId, FindingIds: [id] }))).Findings!;
    assert.equal(f.Service?.Archived, true);
    assert.equal(f.Service?.UserFeedback, 'USEFUL');
    await page.getByText('Raw JSON').click();
    await waitText(page.locator('pre.raw'), new RegExp(id));
    await shot('finding-detail');
  });

  test('finding detail: the anomaly explanation, threat-intel evidence and the remote IP with ASN and country', async () => {
    const now = Date.now();
    const c = {
      ...sampleCandidate('Discovery:IAMUser/AnomalousBehavior', ADMIN_ACCOUNT, REGION, now), key: 'console-anomaly',
      title: 'Unusual API calls by ci-deployer', description: 'APIs commonly used in attacks were invoked by ci-deployer.',
      additionalInfo: { unusualCountry: 'Brazil' },
      threatIntelligenceDetails: [{ threatListName: 'ProofPoint', threatNames: ['Known attacker'] }],
      detection: { anomaly: {
        profiles: { 'arn:aws:iam::111111111111:user/ci-deployer': { asnOrg: [{ profileType: 'FREQUENCY', profileSubtype: 'FREQUENT', observations: { text: ['AS16509 AMAZON-02 (seen on 41 of 42 days)'] } }] } },
        unusual: { behavior: { 'arn:aws:iam::111111111111:user/ci-deployer': { asnOrg: { profileType: 'FREQUENCY', profileSubtype: 'UNSEEN', observations: { text: ['AS4134 CHINANET (never seen before)'] } } } } },
      } },
    };
    const f = buildFinding(c as never, 3, now - 3_600_000, now, new Date(now).toISOString());
    await h.server.store.commit({ findings: [f] });
    await page.goto(`${h.url}/console/findings/${f.id}`);
    const why = page.getByRole('region', { name: 'Why this is unusual' });
    const text = await waitText(why, /never seen before/);
    assert.match(text, /ci-deployer/);
    assert.match(text, /AS4134 CHINANET \(never seen before\)/);
    assert.match(text, /AS16509 AMAZON-02 \(seen on 41 of 42 days\)/);
    assert.match(text, /Unusual country\s*Brazil/);
    assert.match(await waitText(page.getByRole('region', { name: 'Threat-intel evidence' }), /ProofPoint/), /Known attacker/);
    assert.match(await waitText(page.getByRole('region', { name: 'Actor' }), /ASN/), /AS-1 GeneratedFindingASNOrg[\s\S]*Country\s*GeneratedFindingCountryName/);
    await shot('finding-anomaly');
  });

  test('suppression: "suppress like this" pre-fills, preview counts, saving it archives a new matching finding; reorder', async () => {
    // from a finding of another account: the pre-filled rule names its type
    await goFindings(`?criteria=${encodeURIComponent(JSON.stringify({ criterion: { type: { eq: [SUPPRESSED] } } }))}`);
    await page.locator('table.findings tbody a').first().click();
    await page.getByRole('link', { name: /Suppress findings like this/ }).click();
    await page.getByRole('heading', { name: 'New suppression rule' }).waitFor();
    const values = await page.locator('[data-testid="filter-row"] input').evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value));
    assert.ok(values.includes(SUPPRESSED), values.join());
    // keep only the type: remove every other condition
    while (await page.locator('[data-testid="filter-row"]').count() > 1) {
      const rows = page.locator('[data-testid="filter-row"]');
      const n = await rows.count();
      for (let i = 0; i < n; i++) {
        const v = await rows.nth(i).locator('input').first().inputValue().catch(() => '');
        if (v !== SUPPRESSED) { await rows.nth(i).getByRole('button', { name: /Remove condition/ }).click(); break; }
      }
    }
    await page.getByLabel('Name').fill('no-port-probes');
    await page.getByLabel('Description').fill('lab scanners');
    await page.getByRole('button', { name: 'Preview matches' }).click();
    await waitText(page.getByTestId('preview'), /^1 stored finding matches this rule \(1 of them not archived\)/);
    await shot('suppression-new');
    await page.getByRole('button', { name: 'Save rule' }).click();
    await waitText(page.getByRole('status').filter({ hasText: /saved/ }), /Rule no-port-probes saved/);
    await page.getByRole('cell', { name: 'no-port-probes' }).or(page.getByText('no-port-probes').first()).first().waitFor();
    // a new finding of that type arrives archived
    await samples(KEYS.admin, h.adminDetectorId, [SUPPRESSED]);
    await goFindings(`?criteria=${encodeURIComponent(JSON.stringify({ criterion: { type: { eq: [SUPPRESSED] }, accountId: { eq: [ADMIN_ACCOUNT] } } }))}`);
    await waitText(page.locator('table.findings tbody tr').first(), /archived/);
    assert.equal(await rows().count(), 1);
    await page.getByRole('radio', { name: 'Current' }).check();
    await page.getByRole('button', { name: 'Apply filter' }).click();
    await waitText(page.getByTestId('criteria-text'), /Archived is false/);
    await page.locator('table.findings[aria-busy="false"]').waitFor();
    await page.getByText('No findings match.').waitFor();
    await shot('findings-suppressed');
    // reorder: a second rule moves above the first
    await h.sdk(KEYS.admin).send(new CreateFilterCommand({ DetectorId: h.adminDetectorId, Name: 'quiet-spam', Action: 'ARCHIVE', Rank: 2, FindingCriteria: { Criterion: { type: { Eq: ['Backdoor:EC2/Spambot'] }, accountId: { Eq: ['999999999999'] } } } }));
    await page.getByRole('link', { name: 'Suppression rules' }).click();
    await page.getByRole('button', { name: 'Move quiet-spam up' }).click();
    await waitText(page.getByRole('status').filter({ hasText: /moved/ }), /quiet-spam moved up/);
    const rank = async (name: string) => (await h.sdk(KEYS.admin).send(new GetFilterCommand({ DetectorId: h.adminDetectorId, FilterName: name }))).Rank;
    assert.equal(await rank('quiet-spam'), 1);
    assert.equal(await rank('no-port-probes'), 2);
    await waitText(page.locator('table.rules tbody tr').first(), /quiet-spam/);
    await shot('suppression-rules');
  });

  test('threat and trusted lists: add a list from a file, see it ACTIVE with its entries, test an IP', async () => {
    const file = join(h.dir, 'console-threats.txt');
    writeFileSync(file, '45.33.32.156\n192.0.2.0/24\nevil.example\n');
    await page.getByRole('link', { name: 'Threat and trusted lists' }).click();
    await page.getByRole('heading', { name: 'Add a list' }).waitFor();
    await page.getByLabel('Kind').selectOption('threatintelset');
    await page.getByLabel('Name').fill('console-threats');
    await page.getByLabel('Location').fill(file);
    await page.getByLabel('Format').selectOption('TXT');
    await page.getByRole('button', { name: 'Add list' }).click();
    await waitText(page.getByRole('status').filter({ hasText: /added/ }), /console-threats added/);
    const row = page.locator('tr', { hasText: 'console-threats' });
    await waitText(row, /ACTIVE/);
    assert.match((await row.textContent())!, /Threat/);
    await page.getByLabel('IP or domain').fill('45.33.32.156');
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    await waitText(page.getByTestId('test-result'), /on the threat list console-threats/);
    await shot('lists');
    await page.getByLabel('IP or domain').fill('8.8.8.8');
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    await waitText(page.getByTestId('test-result'), /on no active list/);
  });

  test('accounts and ingestion health (administrator)', async () => {
    await page.getByRole('link', { name: 'Accounts' }).click();
    await page.getByRole('heading', { name: 'Accounts', level: 1 }).waitFor();
    for (const a of [MEMBER1_ACCOUNT, MEMBER2_ACCOUNT]) await waitText(page.locator('tr', { hasText: a }), /Enabled\s*—?\s*\d+/);
    await shot('accounts-admin');
    await page.getByRole('link', { name: 'Ingestion health' }).click();
    await page.getByRole('heading', { name: 'Ingestion health', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Continuous sources' }).waitFor();
    await waitText(page.locator('main'), /console-threats/);
    // what the scan of the samples read, per log type
    await waitText(page.locator('main'), /cloudtrail/i);
    await shot('ingestion');
    // continuous sources as /vigil/ingestion/sources reports them (a fixed answer: no source runs here),
    // fields the page does not know included
    const now = Date.now();
    const iso = (ago: number) => new Date(now - ago).toISOString();
    await page.route('**/vigil/ingestion/sources', (r) => r.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({
      sources: [{
        id: 'trail', type: 's3', location: 's3://org-trail/AWSLogs/', records: 120_345, bytesIn: 9_000_000, badRecords: 7, lagSeconds: 420,
        objects: { read: 310, alreadyProcessed: 2, failed: 1 }, newestEventTime: iso(420_000), lastPollAt: iso(5_000), lastCommitAt: iso(6_000),
        lastError: { message: 'GetObject s3://org-trail/AWSLogs/x.json.gz: AccessDenied', at: iso(60_000) },
        gaps: [{ accountId: '111122223333', region: 'us-east-1', missingSlots: 3, recent: [iso(3_600_000)], newestFile: iso(300_000) }],
        kinds: { cloudtrail: { objects: 310, records: 120_345, bytesIn: 9_000_000, bytesOut: 0, skipped: {}, bad: { 'json-parse': { count: 7, samples: [{ object: 'x.json.gz', line: 3, excerpt: '{"Records": [' }] } } } },
        notices: {}, pollIntervalSeconds: 60,
      }],
      notifiers: [{ name: 'soc-webhook', sent: 42, failed: 1, retried: 2, deadLettered: 0, queued: 0, lastSentAt: iso(30_000) }],
    }) }));
    await page.getByRole('link', { name: 'Summary' }).click();
    await waitText(page.getByTestId('ingestion-glance'), /1 continuous source, lag up to 7 min, 1 with a recent error/);
    await page.getByRole('link', { name: 'Ingestion health' }).click();
    const source = page.getByRole('region', { name: 'Source trail' });
    const text = await waitText(source, /120,345/);
    for (const want of [/7 min\s*lag/, /7\s*bad records/, /json-parse/, /AccessDenied/, /3\s*missing 5-min slots/, /Poll interval seconds/]) assert.match(text, want);
    await waitText(page.locator('tr', { hasText: 'soc-webhook' }), /42/);
    await shot('ingestion-sources');
    await page.unroute('**/vigil/ingestion/sources');
  });

  test('an API failure says what failed and the page stays usable', async () => {
    await page.route('**/detector/*/findings', (r) => r.fulfill({ status: 500, headers: { 'x-amzn-errortype': 'InternalServerErrorException', 'content-type': 'application/json' }, body: '{"message":"The request could not be completed because of an internal error."}' }));
    await goFindings().catch(() => undefined);
    await waitText(page.getByRole('alert'), /ListFindings failed \(500 InternalServerErrorException\): The request could not be completed/);
    await shot('api-error');
    await page.unroute('**/detector/*/findings');
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.locator('table.findings tbody tr').first().waitFor();
    assert.equal(await page.getByRole('alert').count(), 0);
    await page.getByRole('link', { name: 'Summary' }).click();
    await page.locator('[data-testid="count-high"]').waitFor();
  });

  test('a read-only key sees everything the administrator sees and is offered no changes', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(KEYS.readOnly);
    await waitText(page.locator('.who'), /read-only/);
    await goFindings();
    assert.ok(await rows().count() > 0);
    assert.equal(await page.getByRole('button', { name: 'Archive selected', exact: true }).count(), 0);
    await page.locator('table.findings tbody a').first().click();
    await page.getByRole('region', { name: 'Overview' }).waitFor();
    for (const name of ['Archive', 'Unarchive', 'Useful', 'Not useful']) assert.equal(await page.getByRole('button', { name, exact: true }).count(), 0, name);
    await page.getByRole('link', { name: 'Suppression rules' }).click();
    await page.getByText('no-port-probes').first().waitFor();
    assert.equal(await page.getByRole('button', { name: 'New suppression rule' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: /^Move / }).count(), 0);
  });

  test("a member sees only its own account's findings", async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Access key ID').waitFor();
    assert.equal(await page.evaluate<string | null>('sessionStorage.getItem("vigil.session")'), null);
    await signIn(KEYS.member1);
    await waitText(page.locator('.who'), new RegExp(`${MEMBER1_ACCOUNT} · member`));
    await page.getByRole('link', { name: MEMBER1_ACCOUNT }).first().waitFor();
    assert.equal(await page.getByRole('link', { name: ADMIN_ACCOUNT }).count(), 0);
    assert.equal(await page.getByRole('link', { name: MEMBER2_ACCOUNT }).count(), 0);
    await shot('member-summary');
    await goFindings(`?criteria=${encodeURIComponent('{"criterion":{}}')}`);
    const shown = await accountsShown();
    assert.ok(shown.length > 0);
    assert.deepEqual([...new Set(shown)], [MEMBER1_ACCOUNT]);
    // asking for another account by filter or by id shows nothing
    await goFindings(`?criteria=${encodeURIComponent(JSON.stringify({ criterion: { accountId: { eq: [ADMIN_ACCOUNT, MEMBER2_ACCOUNT] } } }))}`);
    await page.getByText('No findings match.').waitFor();
    const [adminFinding] = (await h.sdk(KEYS.admin).send(new ListFindingsCommand({ DetectorId: h.adminDetectorId, FindingCriteria: { Criterion: { accountId: { Eq: [ADMIN_ACCOUNT] } } }, MaxResults: 1 }))).FindingIds!;
    await page.goto(`${h.url}/console/findings/${adminFinding}`);
    await page.getByRole('heading', { name: 'Finding not found' }).waitFor();
    await goFindings();
    await shot('member-findings');
    await page.getByRole('link', { name: 'Accounts' }).click();
    await waitText(page.getByTestId('own-account'), new RegExp(MEMBER1_ACCOUNT));
    await shot('member-accounts');
    await page.getByRole('link', { name: 'Threat and trusted lists' }).click();
    await page.getByText(/Lists belong to the administrator account/).waitFor();
    assert.equal(await page.getByText('console-threats').count(), 0);
  });
});
