/**
 * The parts of `terraform show -json <plan>` the Terraform tools read (the plan policy, the moved
 * check), and the one walk over its modules' planned resources.
 */

interface PlannedResource {
  readonly address: string;
  readonly mode: string;
  readonly type: string;
  readonly name: string;
  readonly index?: string | number;
  readonly provider_name: string;
  readonly schema_version?: number;
  readonly values: Record<string, unknown>;
}

interface PlannedModule {
  readonly resources?: readonly PlannedResource[];
  readonly child_modules?: readonly PlannedModule[];
}

interface ResourceChange {
  readonly address: string;
  readonly previous_address?: string;
  readonly module_address?: string;
  readonly mode: string;
  readonly type: string;
  readonly name: string;
  readonly index?: string | number;
  readonly provider_name: string;
  readonly change: {
    readonly actions: readonly string[];
    readonly before?: unknown;
    readonly after?: unknown;
    readonly after_unknown?: Record<string, unknown>;
    readonly after_sensitive?: unknown;
  };
}

interface PlanJson {
  readonly planned_values?: { readonly root_module?: PlannedModule };
  readonly resource_changes?: readonly ResourceChange[];
  readonly variables?: Readonly<Record<string, { readonly value?: unknown }>>;
}

/** Every resource the plan would have, in every module, managed and data alike. */
const plannedResources = (plan: PlanJson): PlannedResource[] => {
  const walk = (module: PlannedModule | undefined): PlannedResource[] =>
    module ? [...(module.resources ?? []), ...(module.child_modules ?? []).flatMap(walk)] : [];
  return walk(plan.planned_values?.root_module);
};

export type { PlanJson, PlannedModule, PlannedResource, ResourceChange };
export { plannedResources };
