/**
 * Recon:EC2/PortProbeUnprotectedPort (Low; High for Elasticsearch 9200/9300) and
 * Recon:EC2/PortProbeEMRUnprotectedPort (High): a port the security group leaves open
 * (ACCEPTed inbound) was probed by an address on a scanner or bad-reputation list. Never for
 * 80/443: web servers are meant to be reachable. One finding per instance and port; the
 * details keep the latest prober.
 */
import { defineDetector } from '../../engine/index.js';
import { SEVERITY } from '../../core/index.js';
import { flowInstanceResource, flowResourceKey } from '../common/network.js';
import { portName } from '../common/ports.js';
import { hitsByType, threatDetails } from './common.js';
import { ipDetails } from '../../core/index.js';

/** Ports of services an EMR cluster exposes (YARN, Hue, Livy, Zeppelin, Spark history, HDFS, JupyterHub). */
export const EMR_PORTS = new Set([8088, 8888, 8998, 8890, 18080, 50070, 9870, 9443, 20888]);
const PROBERS = new Set(['scanner', 'malicious']);

export const portProbe = defineDetector({
  id: 'port-probe',
  description: 'open ports probed by known scanners (EMR ports separately)',
  kinds: ['vpcflow'],
  findingTypes: ['Recon:EC2/PortProbeUnprotectedPort', 'Recon:EC2/PortProbeEMRUnprotectedPort'],
  onEvent(e, ctx) {
    const en = e.enrich;
    if (en.intel === 0 || en.direction !== 'INBOUND' || e.action !== 'ACCEPT' || en.srcIsLocal) return;
    const port = en.localPort;
    if (port === 80 || port === 443 || port < 0) return;
    const hits = hitsByType(ctx.services.intel.threat.hits(en.intel), (p) => (PROBERS.has(p) ? 'probe' : undefined)).get('probe');
    if (!hits) return;
    const emr = EMR_PORTS.has(port);
    const severity = emr || port === 9200 || port === 9300 ? SEVERITY.High : SEVERITY.Low;
    const name = e.instanceId || e.interfaceId;
    ctx.emit({
      type: emr ? 'Recon:EC2/PortProbeEMRUnprotectedPort' : 'Recon:EC2/PortProbeUnprotectedPort',
      severity,
      accountId: e.accountId,
      region: e.region,
      time: e.time,
      key: `${flowResourceKey(e)}|${port}`,
      resourceRole: 'TARGET',
      resource: flowInstanceResource(e),
      action: {
        actionType: 'PORT_PROBE',
        portProbeAction: {
          blocked: false,
          portProbeDetails: [{ localPortDetails: { port, portName: portName(port) }, localIpDetails: ipDetails(en.localAddr), remoteIpDetails: ipDetails(en.remoteAddr) }],
        },
      },
      threatIntelligenceDetails: threatDetails(hits),
      title: `Unprotected port on EC2 instance ${name} is being probed.`,
      description: `${emr ? 'EMR-related port' : 'Port'} ${port} (${portName(port)}) on EC2 instance ${name} is open and was probed by ${en.remoteAddr}, a known scanner. `
        + 'Close the port in the security group or restrict it to the addresses that need it.',
      additionalInfo: { port, prober: en.remoteAddr },
    });
  },
});
