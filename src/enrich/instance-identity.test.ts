import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { cloudTrailFile, ctRecord, detect, flowFile, flowLine, flowLineV5, FLOW_V5_HEADER } from '../testing/harness.js';
import { defineDetector } from '../engine/index.js';
import { parseInventory, setInstanceInventory } from './instance-identity.js';
import { networkBaseline } from '../detectors/behavior/network-baseline.js';
import { denialOfService } from '../detectors/behavior/denial-of-service.js';

afterEach(() => setInstanceInventory(null));

const T0 = 1_772_446_500;

/** Records, per flow event, the identity fields detectors see. */
function seen(inputs: { kind: 'vpcflow' | 'cloudtrail'; text: string }[]) {
  const out: [string, string, string, string][] = [];
  const probe = defineDetector({
    id: 'identity-probe', description: 'test', kinds: ['vpcflow'], findingTypes: [],
    onEvent(e) { out.push([e.interfaceId, e.instanceId, e.vpcId, e.subnetId]); },
  });
  detect(inputs, { detectors: [probe] });
  return out;
}

const line = (eni: string, start = T0) => flowLine({ src: '10.0.1.25', dst: '151.101.1.69', sport: 40000, dport: 443, start, eni });

test('inventory JSON (array or keyed by ENI) and CSV name the instance, VPC, subnet, type and tags', () => {
  const a = parseInventory(JSON.stringify([{ networkInterfaceId: 'eni-01', instanceId: 'i-01', vpcId: 'vpc-1', subnetId: 'subnet-1', instanceType: 'm6i.large', tags: { Name: 'web-1', env: 'prod' } }]));
  assert.deepEqual(a.get('eni-01'), { instanceId: 'i-01', vpcId: 'vpc-1', subnetId: 'subnet-1', instanceType: 'm6i.large', tags: [{ key: 'Name', value: 'web-1' }, { key: 'env', value: 'prod' }] });
  const b = parseInventory(JSON.stringify({ 'eni-02': 'i-02', 'eni-03': { instance_id: 'i-03', Tags: [{ Key: 'Name', Value: 'db' }] } }));
  assert.deepEqual([b.get('eni-02'), b.get('eni-03')], [{ instanceId: 'i-02' }, { instanceId: 'i-03', tags: [{ key: 'Name', value: 'db' }] }]);
  const c = parseInventory('eni_id,instance-id,vpc_id,subnet_id,instance_type,tags\neni-04,i-04,vpc-4,subnet-4,t3.micro,"Name=bastion;team=ops, infra"\neni-05,,vpc-5,,,\n');
  assert.deepEqual(c.get('eni-04'), { instanceId: 'i-04', vpcId: 'vpc-4', subnetId: 'subnet-4', instanceType: 't3.micro', tags: [{ key: 'Name', value: 'bastion' }, { key: 'team', value: 'ops, infra' }] });
  assert.equal(c.has('eni-05'), false); // no instance: keyed by ENI
  assert.throws(() => parseInventory('a,b\n1,2\n'), /instance-id column/);
});

test('v2 records get the instance from the inventory; unknown ENIs stay keyed by ENI; a reused event is not left with a stale id', () => {
  setInstanceInventory(parseInventory(JSON.stringify([{ eni: 'eni-0aaa', instanceId: 'i-0aaa', vpcId: 'vpc-0aaa' }])));
  assert.deepEqual(seen([{ kind: 'vpcflow', text: flowFile([line('eni-0aaa'), line('eni-0bbb'), line('eni-0aaa')]) }]), [
    ['eni-0aaa', 'i-0aaa', 'vpc-0aaa', ''],
    ['eni-0bbb', '', '', ''],
    ['eni-0aaa', 'i-0aaa', 'vpc-0aaa', ''],
  ]);
});

test('an ENI seen with instance-id in v3+ records names its v2 records; CloudTrail RunInstances and AttachNetworkInterface teach it too', () => {
  const v5 = flowFile([flowLineV5({ src: '10.0.1.25', dst: '151.101.1.69', sport: 40000, dport: 443, start: T0, direction: 'egress', eni: 'eni-0ccc', instance: 'i-0ccc' })], FLOW_V5_HEADER);
  const run = ctRecord({
    eventSource: 'ec2.amazonaws.com', eventName: 'RunInstances', readOnly: false,
    responseElements: { instancesSet: { items: [{ instanceId: 'i-0ddd', vpcId: 'vpc-0ddd', subnetId: 'subnet-0ddd', networkInterfaceSet: { items: [{ networkInterfaceId: 'eni-0ddd', vpcId: 'vpc-0ddd', subnetId: 'subnet-0ddd' }] } }] } },
  });
  const create = ctRecord({ eventSource: 'ec2.amazonaws.com', eventName: 'CreateNetworkInterface', readOnly: false, responseElements: { networkInterface: { networkInterfaceId: 'eni-0eee', vpcId: 'vpc-0eee', subnetId: 'subnet-0eee' } } });
  const attach = ctRecord({ eventSource: 'ec2.amazonaws.com', eventName: 'AttachNetworkInterface', readOnly: false, requestParameters: { networkInterfaceId: 'eni-0eee', instanceId: 'i-0eee', deviceIndex: 1 } });
  const failed = ctRecord({ eventSource: 'ec2.amazonaws.com', eventName: 'AttachNetworkInterface', errorCode: 'UnauthorizedOperation', requestParameters: { networkInterfaceId: 'eni-0fff', instanceId: 'i-0fff' } });
  const out = seen([
    { kind: 'vpcflow', text: v5 },
    { kind: 'cloudtrail', text: cloudTrailFile([run, create, attach, failed]) },
    { kind: 'vpcflow', text: flowFile([line('eni-0ccc'), line('eni-0ddd'), line('eni-0eee'), line('eni-0fff')]) },
  ]);
  assert.deepEqual(out, [
    ['eni-0ccc', 'i-0ccc', 'vpc-0a1b2c3d4e5f60718', 'subnet-0f1e2d3c4b5a69788'],
    ['eni-0ccc', 'i-0ccc', 'vpc-0a1b2c3d4e5f60718', 'subnet-0f1e2d3c4b5a69788'],
    ['eni-0ddd', 'i-0ddd', 'vpc-0ddd', 'subnet-0ddd'],
    ['eni-0eee', 'i-0eee', 'vpc-0eee', 'subnet-0eee'],
    ['eni-0fff', '', '', ''],
  ]);
});

test('findings name the inventory instance with its tags and type, and aggregate on it', () => {
  setInstanceInventory(parseInventory('network_interface_id,instance_id,instance_type,tags\neni-0a1b2c3d4e5f60718,i-0123456789abcdef0,c7g.xlarge,Name=api-7\n'));
  const lines = Array.from({ length: 150 }, (_, i) => flowLine({ src: '10.0.1.25', dst: '93.184.216.34', sport: 30000 + i, dport: 443, packets: 1_000, bytes: 60_000, start: T0, end: T0 + 59 }));
  const { candidates } = detect([{ kind: 'vpcflow', text: flowFile(lines) }], { detectors: [denialOfService, networkBaseline] });
  assert.equal(candidates.length, 1);
  const d = candidates[0].resource.instanceDetails!;
  assert.equal(d.instanceId, 'i-0123456789abcdef0');
  assert.equal(d.instanceType, 'c7g.xlarge');
  assert.deepEqual(d.tags, [{ key: 'Name', value: 'api-7' }]);
  assert.equal(candidates[0].key, 'i-0123456789abcdef0|93.184.216.34');
});
