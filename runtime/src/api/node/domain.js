// node_domain: node:domain as workerd gives it: domains exist and do nothing (`run` calls the
// function, `bind` and `intercept` return it), and EventEmitter stops using them.

const { EventEmitter } = core.unit("node_events");
EventEmitter.usingDomains = false;

class Domain extends EventEmitter {
  members = undefined;
  _errorHandler(error) { throw error; }
  enter() {}
  exit() {}
  add() {}
  remove() {}
  run(fn, ...args) {
    this.enter();
    const result = Reflect.apply(fn, this, args);
    this.exit();
    return result;
  }
  intercept(callback) { return callback; }
  bind(callback) { return callback; }
}

function createDomain() { return new Domain(); }
const create = createDomain();
const domain = { Domain, active: null, createDomain, create };
return { ...domain, default: domain };
