const t = globalThis[Symbol.for("edgesim.test")]().cloudflareTest;
export const env = t.env;
export const {
  SELF, createExecutionContext, createPagesEventContext, waitOnExecutionContext, createScheduledController, createMessageBatch, getQueueResult,
  applyD1Migrations, fetchMock, introspectWorkflowInstance, introspectWorkflow,
  runInDurableObject, runDurableObjectAlarm, listDurableObjectIds, evictDurableObject, evictAllDurableObjects,
  abortAllDurableObjects, reset, adminSecretsStore,
} = t;
