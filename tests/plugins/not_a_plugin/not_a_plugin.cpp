// A shared library that is not an omnigate plugin: it loads, but exports none of the OMNIGATE_PLUGIN entry points.
extern "C" int omnigate_not_a_plugin_answer() { return 42; }
