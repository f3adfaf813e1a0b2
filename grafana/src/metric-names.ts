/** The metric catalogue lives with the workers' shared runtime; the dashboards read it from there. */
export * from '../../lib/runtime/metric-names.js';
