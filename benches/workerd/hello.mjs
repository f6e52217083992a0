// The hello-world Worker both runtimes serve in the side-by-side measurement.
export default {
  fetch() {
    return new Response("ok");
  },
};
