/**
 * The peer's side of `npm run bench -- --only duckdb`: SQL, run by DuckDB over the same gzip
 * files Vigil scans, that reproduces each finding type SQL can express. Written for this bench
 * (not taken from anywhere), one query set per log type. Every query set is
 *
 *   setup    statements that read the files once (one pass, `read_json` / `read_csv` with gzip)
 *            into temporary tables, keeping only what the rules need;
 *   records  one row, `n`: the records read (the check that DuckDB saw what Vigil saw);
 *   findings rows (type, account, region, key, occurrences): one row per distinct finding, its
 *            key built the way Vigil's detector builds its aggregation key, so distinct rows per
 *            type compare with Vigil's "created" count and with the generator's manifest.
 *
 * All of it is timed (bench/duckdb/child.ts). Where the SQL approximates Vigil's detector, the
 * comment at the rule says how; bench/README.md ("DuckDB") has the summary. What SQL here does
 * not do at all is in NOT_EXPRESSED below.
 */
import type { BenchKind } from '../generate/index.js';

export interface QuerySet { setup: string[]; records: string; findings: string }

/** Finding types the queries below can raise, per log type. */
export const EXPRESSED: Record<BenchKind, string[]> = {
  cloudtrail: [
    'Stealth:IAMUser/CloudTrailLoggingDisabled', 'Policy:S3/BucketAnonymousAccessGranted', 'Policy:S3/BucketPublicAccessGranted',
    'Policy:S3/AccountBlockPublicAccessDisabled', 'Policy:S3/BucketBlockPublicAccessDisabled', 'Stealth:S3/ServerAccessLoggingDisabled',
    'Stealth:IAMUser/PasswordPolicyChange', 'DefenseEvasion:IAMUser/BedrockLoggingDisabled',
    'PenTest:IAMUser/KaliLinux', 'PenTest:IAMUser/ParrotLinux', 'PenTest:IAMUser/PentooLinux', 'PenTest:S3/KaliLinux', 'PenTest:S3/ParrotLinux', 'PenTest:S3/PentooLinux',
    'Policy:IAMUser/RootCredentialUsage', 'Policy:IAMUser/ShortTermRootCredentialUsage',
  ],
  vpcflow: ['UnauthorizedAccess:EC2/SSHBruteForce', 'UnauthorizedAccess:EC2/RDPBruteForce', 'Impact:EC2/WinRMBruteForce', 'Recon:EC2/Portscan', 'Impact:EC2/PortSweep'],
  dns: ['UnauthorizedAccess:EC2/MetadataDNSRebind', 'Trojan:EC2/DNSDataExfiltration'],
};

/** Finding types Vigil may raise on a log type that these queries do not reproduce, and why. */
export const NOT_EXPRESSED: Record<BenchKind, Record<string, string>> = {
  cloudtrail: {
    'IAMUser/AnomalousBehavior and S3 AnomalousBehavior types': 'learned per-principal baselines (frequency profiles over time), not a query over one batch',
    'CredentialAccess / InitialAccess / … attack sequences': 'multi-stage tracks per principal with state across days',
    'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.*': 'needs the instance-credential → IP history Vigil keeps',
    'threat-list types (MaliciousIPCaller, TorIPCaller, …)': 'the bench scan loads no threat list, so there is nothing to join against',
  },
  vpcflow: {
    'Recon:EC2/PortProbeUnprotectedPort, threat-list and Tor types': 'need threat or scanner lists; the bench scan loads none',
    'Behavior:EC2/NetworkPortUnusual, TrafficVolumeUnusual, DoS types': 'learned per-instance baselines over days',
  },
  dns: {
    'Trojan:EC2/DGADomainRequest.B / .C!DNS': "Vigil's trained DGA model (character n-gram scores): not reproduced in SQL",
    'Impact:EC2/*DomainRequest.Reputation': 'feature scores that need the popular-domain table and first-seen memory',
    'threat-list domain types (C&CActivity, DropPoint, …)': 'the bench scan loads no threat list',
  },
};

/** A SQL string literal. */
function lit(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** `dir/**\/*.ext`: every object of a dataset folder. */
function glob(dir: string, ext: string): string {
  return lit(`${dir.replace(/\/+$/, '')}/**/*${ext}`);
}

// ───────────────────────────── CloudTrail ─────────────────────────────

/** Event names the CloudTrail rules look at; other records are counted and dropped in the scan. */
const CT_NAMES = [
  'StopLogging', 'DeleteTrail', 'CreateTrail', 'UpdateTrail', 'DeleteBucket',
  'PutBucketPolicy', 'PutBucketAcl', 'CreateBucket',
  'PutAccountPublicAccessBlock', 'DeleteAccountPublicAccessBlock', 'PutBucketPublicAccessBlock', 'DeleteBucketPublicAccessBlock',
  'PutBucketLogging', 'UpdateAccountPasswordPolicy', 'DeleteAccountPasswordPolicy', 'DeleteModelInvocationLoggingConfiguration',
];

/** Only the fields the rules read are declared, so DuckDB's JSON reader extracts nothing else. */
const CT_RECORD = `STRUCT(
  eventTime VARCHAR, eventSource VARCHAR, eventName VARCHAR, awsRegion VARCHAR, recipientAccountId VARCHAR,
  errorCode VARCHAR, errorMessage VARCHAR, userAgent VARCHAR, eventType VARCHAR, eventCategory VARCHAR,
  userIdentity STRUCT("type" VARCHAR, accountId VARCHAR, accessKeyId VARCHAR, arn VARCHAR, principalId VARCHAR,
                      invokedBy VARCHAR, sessionContext STRUCT(assumedRoot VARCHAR)),
  requestParameters JSON, responseElements JSON)`;

/** The structured user-agent parts pentest-user-agent.ts matches (RE2 syntax, case-insensitive). */
const distro = (d: string, paren: string) => lit(`(?i)(\\blinux[/#][^\\s]*${d}|distrib[#/]${d}\\b|\\(${paren}\\))`);

/** Condition keys that make a public policy statement restricted (s3-bucket-public-access.ts). */
const RESTRICTING = lit('"aws:(sourceip|sourcevpce?|principalorgid|principalorgpaths|principalaccount|sourceaccount|sourcearn|principalarn|userid|username|resourceaccount|sourceorgid|sourceorgpaths|vpcsourceip)"');

export function cloudTrailSql(dir: string): QuerySet {
  return {
    setup: [
      // One pass over every {"Records":[…]} document: count the records, keep the candidates
      // (rule event names, root callers, pentest-looking user agents) in one list. CloudTrail writes
      // each file as one line (so does the generator), so the JSON-lines reader applies; 'unstructured'
      // (any layout) reads the same files with about 25% more CPU here.
      `CREATE TEMP TABLE scanned AS
       SELECT count(*) AS records,
              list(r) FILTER (WHERE r.eventName IN (${CT_NAMES.map(lit).join(', ')})
                               OR r.userIdentity."type" = 'Root'
                               OR regexp_matches(r.userAgent, '(?i)kali|parrot|pentoo')) AS hits
       FROM (SELECT unnest(Records) AS r
             FROM read_json(${glob(dir, '.json.gz')}, format = 'newline_delimited', compression = 'gzip',
                            maximum_object_size = 268435456, columns = {Records: '${CT_RECORD.replaceAll('\n', ' ')}[]'}))`,
      `CREATE TEMP TABLE ev AS
       SELECT r.eventName AS name, r.eventSource AS source,
              coalesce(nullif(r.recipientAccountId, ''), r.userIdentity.accountId, '') AS account,
              r.awsRegion AS region, coalesce(r.errorCode, '') AS err, coalesce(r.errorMessage, '') AS errmsg,
              coalesce(r.userAgent, '') AS ua, coalesce(r.eventType, '') AS etype, r.eventCategory = 'Data' AS data_event,
              r.userIdentity AS id, r.requestParameters AS rp, r.responseElements AS re, CAST(r.eventTime AS TIMESTAMP) AS t
       FROM (SELECT unnest(hits) AS r FROM scanned)`,
    ],
    records: 'SELECT records AS n FROM scanned',
    findings: `
WITH ok AS (SELECT * FROM ev WHERE err = ''),   -- "successful calls only" rules
-- Stealth:IAMUser/CloudTrailLoggingDisabled, part 2: buckets trails deliver to, from CreateTrail/UpdateTrail.
-- Approximation: a DeleteBucket counts when any earlier CreateTrail/UpdateTrail of the account named the
-- bucket; Vigil also forgets a bucket once its trail moved elsewhere or was deleted (state), not done here.
trail_buckets AS (
  SELECT account, json_extract_string(rp, '$.s3BucketName') AS bucket, t FROM ok
  WHERE source = 'cloudtrail.amazonaws.com' AND name IN ('CreateTrail', 'UpdateTrail') AND coalesce(json_extract_string(rp, '$.s3BucketName'), '') <> ''),
-- Policy:S3/Bucket{Anonymous,Public}AccessGranted by policy: a statement that allows Principal "*" (or
-- {"AWS": "*"}, or uses NotPrincipal) without a restricting condition. Approximation: any restricting key
-- in the Condition counts, including a source-IP condition of 0.0.0.0/0 that Vigil treats as no restriction.
policies AS (
  SELECT account, region, coalesce(json_extract_string(rp, '$.bucketName'), '') AS bucket,
         CASE WHEN json_type(rp, '$.bucketPolicy') = 'VARCHAR' THEN try_cast(json_extract_string(rp, '$.bucketPolicy') AS JSON) ELSE json_extract(rp, '$.bucketPolicy') END AS doc
  FROM ok WHERE source = 's3.amazonaws.com' AND name = 'PutBucketPolicy'),
statements AS (
  SELECT account, region, bucket,
         CASE json_type(doc, '$.Statement') WHEN 'ARRAY' THEN json_extract(doc, '$.Statement[*]')
                                             WHEN 'OBJECT' THEN [json_extract(doc, '$.Statement')] ELSE [] END AS stmts
  FROM policies),
-- Policy:S3/Bucket…AccessGranted by ACL (PutBucketAcl, CreateBucket): a public-read canned ACL, or the
-- AllUsers group anywhere in the request (Vigil looks in x-amz-grant-* headers and the ACL body only);
-- authenticated-read or the AuthenticatedUsers group for the "all AWS users" type.
acls AS (
  SELECT account, region, coalesce(json_extract_string(rp, '$.bucketName'), '') AS bucket, CAST(rp AS VARCHAR) AS txt,
         coalesce(CAST(json_extract(rp, '$."x-amz-acl"') AS VARCHAR), '') AS canned
  FROM ok WHERE source = 's3.amazonaws.com' AND name IN ('PutBucketAcl', 'CreateBucket')),
acl_exposure AS (
  SELECT account, region, bucket,
         CASE WHEN canned LIKE '%public-read%' OR txt LIKE '%acs.amazonaws.com/groups/global/AllUsers%' THEN 'anonymous'
              WHEN canned LIKE '%authenticated-read%' OR txt LIKE '%acs.amazonaws.com/groups/global/AuthenticatedUsers%' THEN 'authenticated' END AS exposure
  FROM acls),
-- Stealth:IAMUser/PasswordPolicyChange: each policy against the previous one of the account (by event
-- time; Vigil goes by read order), the first against the CIS baseline (14 characters, reuse 24); a
-- delete is IAM's default (8 characters). Raised when a setting weakened, or on any delete.
password AS (
  SELECT account, region, name, t,
         CASE WHEN name = 'DeleteAccountPasswordPolicy' THEN 8 ELSE coalesce(try_cast(json_extract_string(rp, '$.minimumPasswordLength') AS INTEGER), 6) END AS len,
         coalesce(json_extract_string(rp, '$.requireSymbols'), '') = 'true' AS sym, coalesce(json_extract_string(rp, '$.requireNumbers'), '') = 'true' AS num,
         coalesce(json_extract_string(rp, '$.requireUppercaseCharacters'), '') = 'true' AS upper, coalesce(json_extract_string(rp, '$.requireLowercaseCharacters'), '') = 'true' AS lower,
         CASE WHEN name = 'DeleteAccountPasswordPolicy' THEN 0 ELSE coalesce(try_cast(json_extract_string(rp, '$.maxPasswordAge') AS BIGINT), 0) END AS age,
         CASE WHEN name = 'DeleteAccountPasswordPolicy' THEN 0 ELSE coalesce(try_cast(json_extract_string(rp, '$.passwordReusePrevention') AS INTEGER), 0) END AS reuse
  FROM ok WHERE source = 'iam.amazonaws.com' AND name IN ('UpdateAccountPasswordPolicy', 'DeleteAccountPasswordPolicy')),
password_change AS (
  SELECT *, lag(len, 1, 14) OVER w AS p_len, lag(sym, 1, false) OVER w AS p_sym, lag(num, 1, false) OVER w AS p_num,
         lag(upper, 1, false) OVER w AS p_upper, lag(lower, 1, false) OVER w AS p_lower,
         lag(age, 1, 0) OVER w AS p_age, lag(reuse, 1, 24) OVER w AS p_reuse
  FROM password WINDOW w AS (PARTITION BY account ORDER BY t)),
findings AS (
  SELECT 'Stealth:IAMUser/CloudTrailLoggingDisabled' AS type, account, region,
         'trail:' || regexp_replace(coalesce(json_extract_string(rp, '$.name'), json_extract_string(rp, '$.trailName'), ''), '^arn:.*?:trail/', '') AS key
  FROM ok WHERE source = 'cloudtrail.amazonaws.com' AND name IN ('StopLogging', 'DeleteTrail')
  UNION ALL
  SELECT 'Stealth:IAMUser/CloudTrailLoggingDisabled', d.account, d.region, 'bucket:' || (json_extract_string(d.rp, '$.bucketName'))
  FROM ok d WHERE d.source = 's3.amazonaws.com' AND d.name = 'DeleteBucket'
    AND EXISTS (SELECT 1 FROM trail_buckets b WHERE b.account = d.account AND b.bucket = json_extract_string(d.rp, '$.bucketName') AND b.t <= d.t)
  UNION ALL
  SELECT 'Policy:S3/BucketAnonymousAccessGranted', account, region, 'bucket:' || bucket
  FROM statements
  WHERE len(list_filter(stmts, lambda s: json_extract_string(s, '$.Effect') = 'Allow'
          AND (json_extract_string(s, '$.Principal') = '*' OR json_extract_string(s, '$.Principal.AWS') = '*' OR coalesce(json_contains(json_extract(s, '$.Principal.AWS'), '"*"'), false)
               OR json_extract(s, '$.NotPrincipal') IS NOT NULL)
          AND NOT coalesce(regexp_matches(lower(CAST(json_extract(s, '$.Condition') AS VARCHAR)), ${RESTRICTING}), false))) > 0
  UNION ALL
  SELECT CASE exposure WHEN 'anonymous' THEN 'Policy:S3/BucketAnonymousAccessGranted' ELSE 'Policy:S3/BucketPublicAccessGranted' END,
         account, region, 'bucket:' || bucket
  FROM acl_exposure WHERE exposure IS NOT NULL
  UNION ALL
  -- Policy:S3/{Account,Bucket}BlockPublicAccessDisabled: deleted, or put with any of the four settings not true.
  SELECT CASE WHEN name LIKE '%Account%' THEN 'Policy:S3/AccountBlockPublicAccessDisabled' ELSE 'Policy:S3/BucketBlockPublicAccessDisabled' END,
         account, region, CASE WHEN name LIKE '%Account%' THEN 'account' ELSE 'bucket:' || coalesce(json_extract_string(rp, '$.bucketName'), '') END
  FROM ok
  WHERE source = 's3.amazonaws.com' AND (name IN ('DeleteAccountPublicAccessBlock', 'DeleteBucketPublicAccessBlock')
     OR (name IN ('PutAccountPublicAccessBlock', 'PutBucketPublicAccessBlock')
         AND json_type(rp, '$.PublicAccessBlockConfiguration') = 'OBJECT'
         AND NOT (coalesce(json_extract_string(rp, '$.PublicAccessBlockConfiguration.BlockPublicAcls'), '') = 'true'
              AND coalesce(json_extract_string(rp, '$.PublicAccessBlockConfiguration.IgnorePublicAcls'), '') = 'true'
              AND coalesce(json_extract_string(rp, '$.PublicAccessBlockConfiguration.BlockPublicPolicy'), '') = 'true'
              AND coalesce(json_extract_string(rp, '$.PublicAccessBlockConfiguration.RestrictPublicBuckets'), '') = 'true')))
  UNION ALL
  -- Stealth:S3/ServerAccessLoggingDisabled: a logging status without LoggingEnabled.
  SELECT 'Stealth:S3/ServerAccessLoggingDisabled', account, region, 'bucket:' || coalesce(json_extract_string(rp, '$.bucketName'), '')
  FROM ok
  WHERE source = 's3.amazonaws.com' AND name = 'PutBucketLogging' AND json_type(rp, '$.BucketLoggingStatus') = 'OBJECT'
    AND coalesce(json_type(rp, '$.BucketLoggingStatus.LoggingEnabled'), 'NULL') = 'NULL'
  UNION ALL
  SELECT 'Stealth:IAMUser/PasswordPolicyChange', account, region, 'password-policy'
  FROM password_change
  WHERE name = 'DeleteAccountPasswordPolicy' OR len < p_len OR (p_sym AND NOT sym) OR (p_num AND NOT num)
     OR (p_upper AND NOT upper) OR (p_lower AND NOT lower) OR reuse < p_reuse
     OR (CASE WHEN age = 0 THEN 9e18 ELSE age END) > (CASE WHEN p_age = 0 THEN 9e18 ELSE p_age END)
  UNION ALL
  SELECT 'DefenseEvasion:IAMUser/BedrockLoggingDisabled', account, region, 'bedrock-logging'
  FROM ok WHERE source = 'bedrock.amazonaws.com' AND name = 'DeleteModelInvocationLoggingConfiguration'
  UNION ALL
  -- PenTest:{IAMUser,S3}/{Kali,Parrot,Pentoo}Linux: the distribution in the kernel release or distrib field
  -- of the user agent; S3 data events get the S3 types, keyed with the bucket as well.
  SELECT 'PenTest:' || CASE WHEN data_event THEN 'S3/' ELSE 'IAMUser/' END || distro || 'Linux', account, region,
         coalesce(nullif(id.accessKeyId, ''), nullif(id.arn, ''), nullif(id.principalId, ''), 'unknown')
           || CASE WHEN data_event THEN '|' || coalesce(json_extract_string(rp, '$.bucketName'), '') ELSE '' END
  FROM (SELECT *, CASE WHEN regexp_matches(ua, ${distro('kali', 'kali linux')}) THEN 'Kali' WHEN regexp_matches(ua, ${distro('parrot', 'parrot[ a-z]*')}) THEN 'Parrot'
                       WHEN regexp_matches(ua, ${distro('pentoo', 'pentoo')}) THEN 'Pentoo' END AS distro FROM ev)
  WHERE distro IS NOT NULL
  UNION ALL
  -- Policy:IAMUser/{ShortTerm,}RootCredentialUsage: root callers, except calls a service makes for root
  -- and failed console sign-ins (a "Failure" anywhere in responseElements; Vigil reads its top-level values).
  SELECT CASE WHEN id.sessionContext.assumedRoot = 'true' THEN 'Policy:IAMUser/ShortTermRootCredentialUsage' ELSE 'Policy:IAMUser/RootCredentialUsage' END,
         account, region, coalesce(nullif(id.accessKeyId, ''), CASE WHEN name = 'ConsoleLogin' THEN 'console' ELSE 'root' END)
  FROM ev
  WHERE id."type" = 'Root' AND etype <> 'AwsServiceEvent' AND coalesce(id.invokedBy, '') IN ('', 'signin.amazonaws.com')
    AND NOT (source = 'signin.amazonaws.com' AND (err <> '' OR errmsg <> '' OR coalesce(CAST(re AS VARCHAR), '') LIKE '%"Failure"%')))
SELECT type, account, region, key, count(*) AS occurrences FROM findings GROUP BY ALL`,
  };
}

// ───────────────────────────── VPC flow logs ─────────────────────────────

/** Service-port rank of flow-direction.ts: which side of a record opened the connection. */
const FLOW_MACROS = [
  `CREATE TEMP MACRO svc_rank(p) AS CASE WHEN p IS NULL OR p < 0 THEN 0 WHEN p < 1024 THEN 3
     WHEN p IN (1433, 1521, 2049, 2375, 2376, 3306, 3389, 5432, 5900, 5985, 5986, 6379, 8080, 8443, 9200, 9300, 11211, 27017, 50000, 50050, 50070, 50075, 50090) THEN 2
     WHEN p < 32768 THEN 1 ELSE 0 END`,
  // IPv4 ranges that are not globally routable (core/ip.ts isNonPublicV4); IPv6: link-local, ULA, loopback only.
  `CREATE TEMP MACRO v4_public(a, b, c) AS NOT (a IN (0, 10, 127) OR a >= 224 OR (a = 100 AND b BETWEEN 64 AND 127) OR (a = 169 AND b = 254)
     OR (a = 172 AND b BETWEEN 16 AND 31) OR (a = 192 AND (b = 168 OR (b = 0 AND c IN (0, 2)))) OR (a = 198 AND (b IN (18, 19) OR (b = 51 AND c = 100)))
     OR (a = 203 AND b = 0 AND c = 113))`,
  `CREATE TEMP MACRO ip_public(x) AS CASE WHEN x LIKE '%:%' THEN NOT (lower(x) LIKE 'fe80:%' OR lower(x) LIKE 'fc%' OR lower(x) LIKE 'fd%' OR x = '::1')
     ELSE coalesce(v4_public(try_cast(split_part(x, '.', 1) AS INTEGER), try_cast(split_part(x, '.', 2) AS INTEGER), try_cast(split_part(x, '.', 3) AS INTEGER)), false) END`,
];

/**
 * Windows: Vigil counts distinct values per key in a window that opens at the key's first record and
 * restarts W after it (event time). SQL uses hopping windows of W every W/2 (two grids offset by W/2), so
 * any burst that fits in W/2 falls in one window whole; a burst between W/2 and W long may be found by
 * one side and not the other. `occurrences` are the windows over the threshold (Vigil: one per window).
 */
function windowed(input: string, keyCols: string, distinctCol: string, windowMs: number, threshold: number): string {
  return `SELECT ${keyCols}, count(*) AS windows FROM (
    SELECT ${keyCols}, g, floor((t + g * ${windowMs / 2}) / ${windowMs}) AS w, count(DISTINCT ${distinctCol}) AS n
    FROM ${input}, (VALUES (0), (1)) AS grid(g) GROUP BY ALL HAVING n >= ${threshold}) GROUP BY ALL`;
}

export function vpcFlowSql(dir: string): QuerySet {
  return {
    setup: [
      ...FLOW_MACROS,
      // VPC flow logs v2, default field order, one header line per file; NODATA/SKIPDATA lines are skipped
      // (Vigil counts them apart). Approximation: the field order is fixed here; Vigil takes it from the header.
      `CREATE TEMP TABLE flow AS
       SELECT regexp_extract(filename, '/vpcflowlogs/([^/]+)/', 1) AS region, account, eni, srcaddr, dstaddr, srcport, dstport,
              protocol, packets, start_s * 1000 AS t, action
       FROM read_csv(${glob(dir, '.log.gz')}, delim = ' ', header = true, compression = 'gzip', nullstr = '-', filename = true,
                     auto_detect = false, columns = {version: 'INTEGER', account: 'VARCHAR', eni: 'VARCHAR', srcaddr: 'VARCHAR', dstaddr: 'VARCHAR',
                       srcport: 'INTEGER', dstport: 'INTEGER', protocol: 'INTEGER', packets: 'BIGINT', bytes: 'BIGINT', start_s: 'BIGINT', end_s: 'BIGINT',
                       action: 'VARCHAR', log_status: 'VARCHAR'})
       WHERE log_status = 'OK'`,
    ],
    records: 'SELECT count(*) AS n FROM flow',
    findings: `
-- Local side: the address an interface shows most over the whole batch. Approximation of flow-direction.ts,
-- which learns it record by record (its first records of an interface guess from private/public).
WITH seen AS (
  SELECT eni, addr, count(*) AS n FROM (SELECT eni, srcaddr AS addr FROM flow UNION ALL SELECT eni, dstaddr FROM flow) GROUP BY ALL),
own AS (SELECT eni, arg_max(addr, n) AS addr FROM seen GROUP BY eni),
e AS (
  SELECT f.*, src_local,
         CASE WHEN src_local THEN srcport ELSE dstport END AS lport, CASE WHEN src_local THEN dstport ELSE srcport END AS rport,
         CASE WHEN src_local THEN dstaddr ELSE srcaddr END AS raddr,
         -- who opened it (v2 has no TCP flags): the service-port side is the responder, else the higher port opened it
         (CASE WHEN svc_rank(srcport) = svc_rank(dstport) THEN srcport > dstport ELSE svc_rank(dstport) > svc_rank(srcport) END) = src_local AS outbound
  FROM (SELECT f.*, f.srcaddr = o.addr AS src_local FROM flow f JOIN own o USING (eni)) f),
-- SSH/RDP/WinRM brute force (brute-force.ts): TCP records of at most 40 packets from the client to the
-- service port, ≥ 20 distinct client ports per (interface, remote, port) in 10 minutes; inbound only ACCEPTs.
brute AS (
  SELECT account, region, eni, raddr, outbound, CASE WHEN outbound THEN rport ELSE lport END AS port,
         CASE WHEN outbound THEN lport ELSE rport END AS client_port, t
  FROM e
  WHERE protocol = 6 AND packets <= 40 AND (CASE WHEN outbound THEN rport ELSE lport END) IN (22, 3389, 5985, 5986)
    AND (CASE WHEN outbound THEN src_local ELSE NOT src_local END) AND (outbound OR action = 'ACCEPT')),
-- Port scan (portscan.ts): outbound probe-like records (≤ 4 packets, TCP/UDP, not traceroute) to ≥ 25
-- distinct ports of one remote host in 5 minutes.
scan AS (
  SELECT account, region, eni, raddr, rport, t FROM e
  WHERE protocol IN (6, 17) AND packets <= 4 AND outbound AND src_local AND rport IS NOT NULL
    AND NOT (protocol = 17 AND rport BETWEEN 33434 AND 33534)),
-- Port sweep (port-sweep.ts): the same probes to one port (not 53, 123, traceroute) of ≥ 32 distinct
-- public hosts in 10 minutes.
sweep AS (
  SELECT account, region, eni, protocol, rport, raddr, t FROM e
  WHERE protocol IN (6, 17) AND packets <= 4 AND outbound AND src_local AND rport IS NOT NULL AND rport NOT IN (53, 123)
    AND NOT (protocol = 17 AND rport BETWEEN 33434 AND 33534) AND ip_public(raddr)),
findings AS (
  SELECT CASE port WHEN 22 THEN 'UnauthorizedAccess:EC2/SSHBruteForce' WHEN 3389 THEN 'UnauthorizedAccess:EC2/RDPBruteForce'
                   ELSE 'Impact:EC2/WinRMBruteForce' END AS type,
         account, region, CASE WHEN outbound THEN 'ACTOR|' ELSE 'TARGET|' END || eni AS key, windows
  FROM (${windowed('brute', 'account, region, eni, raddr, outbound, port', 'client_port', 600_000, 20)})
  UNION ALL
  SELECT 'Recon:EC2/Portscan', account, region, eni, windows FROM (${windowed('scan', 'account, region, eni, raddr', 'rport', 300_000, 25)})
  UNION ALL
  SELECT 'Impact:EC2/PortSweep', account, region, eni || '|' || rport, windows
  FROM (${windowed('sweep', 'account, region, eni, protocol, rport', 'raddr', 600_000, 32)}))
SELECT type, account, region, key, sum(windows) AS occurrences FROM findings GROUP BY ALL`,
  };
}

// ───────────────────────────── Route 53 Resolver query logs ─────────────────────────────

/** Lookup services that put hashes into names by design (dns-exfiltration.ts EXEMPT). */
const DNS_EXEMPT = ['cymru.com', 'spamhaus.net', 'surbl.org', 'uribl.com', 'sorbs.net', 'barracudacentral.org', 'dnswl.org',
  'mailspike.net', 'spameatingmonkey.net', 'senderbase.org', 'e5.sk', 'eset.com', 'trendmicro.com', 'avts.mcafee.com', 'sophosxl.com',
  'mcafee.com', 'abuseat.org', 'junkemailfilter.com', 'msrbl.net', 'nszones.com', 'dnsbl.info'];

/** Names never scored (intel/reputation.ts NEVER): AWS and internal suffixes, reverse zones. */
const DNS_NEVER = lit('(^|\\.)(internal|local|localhost|arpa|amazonaws\\.com|amazonaws\\.com\\.cn|aws|compute\\.internal)$');

export function dnsSql(dir: string): QuerySet {
  return {
    setup: [
      // One pass over the JSON lines: count them, keep the two kinds of candidates.
      `CREATE TEMP TABLE scanned AS
       SELECT count(*) AS records,
              list({account: account, region: region, who: who, name: name, t: t})
                FILTER (WHERE list_has_any(list_transform(answers, lambda a: lower(a.Rdata)), ['169.254.169.254', 'fd00:ec2::254', 'fd00:ec2:0:0:0:0:0:254'])) AS imds,
              list({account: account, region: region, who: who, name: name, t: t, txt: query_type IN ('TXT', 'NULL')})
                FILTER (WHERE (length(name) >= 20 OR query_type IN ('TXT', 'NULL')) AND NOT regexp_matches(name, ${DNS_NEVER})) AS tunnel
       FROM (SELECT account_id AS account, region, query_type, answers,
                    coalesce(nullif(srcids.instance, ''), vpc_id || '/' || srcaddr) AS who,
                    regexp_replace(lower(query_name), '\\.$', '') AS name,
                    epoch_ms(CAST(query_timestamp AS TIMESTAMP)) AS t
             FROM read_json(${glob(dir, '.log.gz')}, format = 'newline_delimited', compression = 'gzip',
                            columns = {account_id: 'VARCHAR', region: 'VARCHAR', vpc_id: 'VARCHAR', query_timestamp: 'VARCHAR',
                                       query_name: 'VARCHAR', query_type: 'VARCHAR', answers: 'STRUCT(Rdata VARCHAR, "Type" VARCHAR)[]',
                                       srcaddr: 'VARCHAR', srcids: 'STRUCT(instance VARCHAR)'}))`,
    ],
    records: 'SELECT records AS n FROM scanned',
    findings: `
WITH imds AS (SELECT unnest(imds, recursive := true) FROM scanned),
-- Registered domain, approximated: the last two labels, three under a two-letter country code with a
-- generic second level (co.uk, com.au, …). Vigil uses the public-suffix list, and skips popular domains
-- (its shipped table), which SQL here does not.
tunnel AS (
  SELECT *, length(name) - length(reg) - 1 AS sub_len FROM (
    SELECT *, CASE WHEN regexp_matches(name, '\\.(co|com|net|org|gov|edu|ac)\\.[a-z]{2}$') THEN regexp_extract(name, '([^.]+\\.[^.]+\\.[^.]+)$', 1)
                   ELSE regexp_extract(name, '([^.]+\\.[^.]+)$', 1) END AS reg
    FROM (SELECT unnest(tunnel, recursive := true) FROM scanned))),
-- Trojan:EC2/DNSDataExfiltration (dns-exfiltration.ts): per (instance, registered domain) and 10-minute
-- window, "encoded" queries: the subdomain has ≥ 24 characters with a character entropy ≥ 3.5 bits.
-- Approximation: Vigil also requires the subdomain's bigram log-likelihood under its DGA model's benign
-- table to be ≤ −3.7 (reads unlike words); SQL has no such table, so it counts more names as encoded.
-- Raised on ≥ 10 encoded, ≥ 10 distinct and ≥ 500 characters, or with TXT/NULL ≥ half of the queries,
-- ≥ 5 encoded and ≥ 250 characters. Windows as for flow logs (hopping, W every W/2).
subs AS (
  SELECT *, length(chars) AS n_chars,
         list_sum(list_transform(list_distinct(string_split(chars, '')), lambda ch:
           -((length(chars) - length(replace(chars, ch, ''))) / length(chars)) * log2((length(chars) - length(replace(chars, ch, ''))) / length(chars)))) AS entropy
  FROM (SELECT *, replace(CASE WHEN sub_len > 0 THEN name[1:sub_len] ELSE '' END, '.', '') AS chars FROM tunnel
        WHERE (sub_len >= 16 OR txt) AND reg NOT IN (${DNS_EXEMPT.map(lit).join(', ')})
          AND NOT list_bool_or([name LIKE '%.' || x FOR x IN [${DNS_EXEMPT.map(lit).join(', ')}]]))),
encoded AS (SELECT *, n_chars >= 24 AND entropy >= 3.5 AS enc FROM subs),
windows AS (
  SELECT account, region, who, reg, g, floor((t + g * 300000) / 600000) AS w,
         count(*) AS q, count(*) FILTER (WHERE txt) AS tx, count(*) FILTER (WHERE enc) AS e,
         coalesce(sum(n_chars) FILTER (WHERE enc), 0) AS c, count(DISTINCT chars) FILTER (WHERE enc) AS u
  FROM encoded, (VALUES (0), (1)) AS grid(g) GROUP BY ALL),
findings AS (
  -- UnauthorizedAccess:EC2/MetadataDNSRebind (metadata-dns-rebind.ts): an answer is IMDS and the name is not
  -- AWS's own. Approximation: the IPv6 address is matched in two spellings, not every one.
  SELECT 'UnauthorizedAccess:EC2/MetadataDNSRebind' AS type, account, region, who || '|' || name AS key, count(*) AS occurrences
  FROM imds WHERE NOT (name = 'instance-data' OR name LIKE '%.internal' OR name = 'metadata.google.internal') GROUP BY ALL
  UNION ALL
  SELECT 'Trojan:EC2/DNSDataExfiltration', account, region, who || '|' || reg, count(*)
  FROM windows WHERE (tx * 2 >= q AND e >= 5 AND c >= 250) OR (e >= 10 AND u >= 10 AND c >= 500) GROUP BY ALL)
SELECT type, account, region, key, occurrences FROM findings`,
  };
}

export function querySet(kind: BenchKind, dir: string): QuerySet {
  return kind === 'cloudtrail' ? cloudTrailSql(dir) : kind === 'vpcflow' ? vpcFlowSql(dir) : dnsSql(dir);
}
