/**
 * Annotations on the API's own types: {@link io.flowsim.api.annotation.Stability} says how far each
 * public type can be relied on across releases.
 */
package io.flowsim.api.annotation;
