/**
 * Every GuardDuty route group, in one list the server registers. Adding a group is one file and
 * one line here.
 */
import type { RouteDef } from '../server.js';
import { detectorRoutes } from './detectors.js';
import { findingRoutes } from './findings.js';
import { filterRoutes } from './filters.js';
import { listRoutes } from './lists.js';
import { memberRoutes } from './members.js';
import { invitationRoutes } from './invitations.js';
import { publishingRoutes } from './publishing.js';
import { tagRoutes } from './tags.js';
import { usageRoutes } from './usage.js';

export const ROUTE_GROUPS: readonly RouteDef[][] = [
  detectorRoutes,
  findingRoutes,
  filterRoutes,
  listRoutes,
  memberRoutes,
  invitationRoutes,
  publishingRoutes,
  tagRoutes,
  usageRoutes,
];
