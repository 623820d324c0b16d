/**
 * User-agent families: the "how" of a call in baselines. A family names the client kind (CLI,
 * an SDK by language, Terraform, the console, AWS itself), never the exact version, so routine
 * upgrades do not look new. Anything unrecognised is 'other'. Nothing here names attack tools:
 * a detector must never key on one tool's user agent.
 */

const PREFIXES: [string, string][] = [
  ['aws-cli/', 'aws-cli'],
  ['Boto3/', 'boto3'],
  ['boto3/', 'boto3'],
  ['Botocore/', 'boto3'],
  ['botocore/', 'boto3'],
  ['aws-sdk-go', 'sdk-go'],
  ['aws-sdk-js', 'sdk-js'],
  ['aws-sdk-nodejs', 'sdk-js'],
  ['aws-sdk-java', 'sdk-java'],
  ['aws-sdk-dotnet', 'sdk-dotnet'],
  ['aws-sdk-ruby', 'sdk-ruby'],
  ['aws-sdk-php', 'sdk-php'],
  ['aws-sdk-rust', 'sdk-rust'],
  ['aws-sdk-cpp', 'sdk-cpp'],
  ['aws-sdk-', 'sdk-other'],
  ['AWS-PowerShell', 'powershell'],
  ['AWSPowerShell', 'powershell'],
  ['Mozilla/', 'console'],
  ['console.amazonaws.com', 'console'],
  ['signin.amazonaws.com', 'console'],
  ['AWS Internal', 'aws-internal'],
  ['Coral/', 'aws-internal'],
  ['aws-internal/', 'aws-internal'],
  ['curl/', 'http-client'],
  ['python-requests/', 'http-client'],
  ['Go-http-client/', 'http-client'],
  ['okhttp/', 'http-client'],
];

/** The family of a user-agent string ('' for none). */
export function userAgentFamily(ua: string): string {
  if (ua === '') return '';
  // Terraform and other tools embed an SDK's agent after their own: check them first
  if (ua.startsWith('APN/') || ua.includes('Terraform/') || ua.includes('terraform-provider-aws')) return 'terraform';
  if (ua.includes('Pulumi')) return 'pulumi';
  for (let i = 0; i < PREFIXES.length; i++) if (ua.startsWith(PREFIXES[i][0])) return PREFIXES[i][1];
  if (ua.endsWith('.amazonaws.com')) return 'aws-internal';
  return 'other';
}

/** The call came from code running in AWS Lambda (SDKs add `exec-env/AWS_Lambda_<runtime>`). */
export function fromLambdaRuntime(ua: string): boolean {
  return ua.includes('exec-env/AWS_Lambda');
}
