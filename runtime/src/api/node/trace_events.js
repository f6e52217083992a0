// node_trace_events: node:trace_events as workerd gives it: a Tracing can be made and switched,
// and records nothing.

const { codes, validate } = core.unit("node_internal");
const { inspect } = core.unit("node_util");

class Tracing {
  #categories;
  #enabled = false;
  constructor(categories) { this.#categories = categories; }
  enable() { this.#enabled = true; }
  disable() { this.#enabled = false; }
  get enabled() { return this.#enabled; }
  get categories() { return this.#categories.join(","); }
  [inspect.custom](depth) {
    if (typeof depth === "number" && depth < 0) return this;
    return `Tracing ${inspect({ enabled: this.enabled, categories: this.categories })}`;
  }
}

function createTracing(options) {
  validate.object(options, "options");
  validate.stringArray(options.categories, "options.categories");
  if (options.categories.length <= 0) throw codes.ERR_TRACE_EVENTS_CATEGORY_REQUIRED();
  return new Tracing(options.categories);
}

function getEnabledCategories() { return undefined; }

const traceEvents = { createTracing, getEnabledCategories };
return { ...traceEvents, default: traceEvents };
