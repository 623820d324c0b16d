/**
 * Starts s3rver (an S3-compatible server on npm, a devDependency) on a free loopback port for
 * tests, with a real @aws-sdk/client-s3 client signed with s3rver's own key pair. Stopped by the
 * caller (`after(() => s3.close())`). Setting the process's AWS credentials is the test's choice:
 * some tests check that Vigil finds them the AWS way (environment, profiles).
 */
import S3rver from 's3rver';
import { S3Client } from '@aws-sdk/client-s3';

/** s3rver's fixed key pair. */
export const S3RVER_KEY = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface TestS3 { endpoint: string; client: S3Client; close(): Promise<void> }

export async function startS3rver(directory: string, buckets: string[] = []): Promise<TestS3> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: buckets.map((name) => ({ name })) });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: S3RVER_KEY });
  return { endpoint, client, close: async () => { client.destroy(); await server.close(); } };
}
