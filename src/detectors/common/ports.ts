/** Names GuardDuty puts in `portName`, and protocol names for `networkConnectionAction.protocol`. */

const PORT_NAMES: Record<number, string> = {
  20: 'FTP', 21: 'FTP', 22: 'SSH', 23: 'TELNET', 25: 'SMTP', 53: 'DNS', 80: 'HTTP', 110: 'POP3', 123: 'NTP',
  135: 'MSRPC', 137: 'NETBIOS', 139: 'NETBIOS', 143: 'IMAP', 161: 'SNMP', 389: 'LDAP', 443: 'HTTPS', 445: 'SMB',
  465: 'SMTPS', 587: 'SMTP', 636: 'LDAPS', 853: 'DNS over TLS', 993: 'IMAPS', 995: 'POP3S', 1433: 'MSSQL',
  1521: 'ORACLE', 2049: 'NFS', 2375: 'DOCKER', 3306: 'MYSQL', 3389: 'RDP', 5432: 'POSTGRESQL', 5900: 'VNC',
  5985: 'WINRM', 5986: 'WINRM', 6379: 'REDIS', 8080: 'HTTP', 8088: 'YARN', 8443: 'HTTPS', 9200: 'ELASTICSEARCH',
  9300: 'ELASTICSEARCH', 11211: 'MEMCACHED', 27017: 'MONGODB',
};

export function portName(port: number): string {
  return PORT_NAMES[port] ?? 'Unknown';
}

const PROTOCOLS: Record<number, string> = { 1: 'ICMP', 2: 'IGMP', 6: 'TCP', 17: 'UDP', 41: 'IPV6', 47: 'GRE', 50: 'ESP', 58: 'ICMPV6', 132: 'SCTP' };

export function protocolName(n: number): string {
  return PROTOCOLS[n] ?? (n >= 0 ? `PROTOCOL_${n}` : 'Unknown');
}

/**
 * UDP traceroute (Linux traceroute, mtr) sends one probe per hop to successive ports from 33434
 * of the destination: many ports of one host, or one port of many hosts, but not a scan.
 */
export function isTracerouteProbe(protocol: number, dstPort: number): boolean {
  return protocol === 17 && dstPort >= 33434 && dstPort <= 33534;
}
