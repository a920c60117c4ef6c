// Every schema of spec/ by its engine name (ServiceSpec, Task, Node, ...), plus `paths` and
// `components`. Re-exported wholesale: listing ~180 generated names by hand would only drift.

export { compareApiVersions, isAvailableAt } from "./api-version.js";
export { type Clock, clockOf } from "./clock.js";
export { DATA_LIMITS, ENGINE_NAMES } from "./engine-rules.js";
export {
  FlotillaError,
  formatPath,
  isFlotillaError,
  ValidationError,
  type ValidationIssue,
} from "./errors.js";
export type * from "./generated/openapi.js";
export {
  answerTypes,
  goTypes,
  NEWEST_API_VERSION,
  OLDEST_API_VERSION,
  type OperationKey,
  operationVersions,
  schemaGraph,
} from "./generated/spec-tables.js";
export { type RequestBodyName, requestBodySchemas } from "./generated/zod.js";
export type {
  Operation,
  PathParams,
  QueryParams,
  RequestBody,
  RequestHeaders,
  ResponseBody,
  Route,
} from "./operations.js";
export { findUnsupportedFields, type UnsupportedField } from "./spec-graph.js";
export type { GoTypeNode, SchemaNode } from "./spec-nodes.js";
export { validateRequestBody } from "./validate.js";
