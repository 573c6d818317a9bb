/**
 * The {@code kernels-json} plugin: the {@code kernels-json} resolver, which resolves kernels against
 * kernels.json databases (the bundled one and every {@code --kernels FILE}) by exact name, name
 * pattern and launching operator, with built-in heuristics as the last resort; and the
 * {@code unknown-kernels} exporter, which writes the kernels no database resolved as entries to
 * complete. The format is documented in docs/kernels-json.md.
 */
package io.flowsim.plugin.kernels;
