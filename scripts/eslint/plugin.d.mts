// Types for plugin.mjs, for the rule tests (test/unit/lint/lint-rules.test.ts).
import type { Rule } from 'eslint';

declare const plugin: {
  readonly meta: { readonly name: string };
  readonly rules: { readonly 'no-floating-results': Rule.RuleModule; readonly 'no-fixed-sleep': Rule.RuleModule };
};
export default plugin;
