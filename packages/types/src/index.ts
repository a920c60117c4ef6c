export {
  FlotillaError,
  formatPath,
  isFlotillaError,
  ValidationError,
  type ValidationIssue,
} from "./errors.js";
