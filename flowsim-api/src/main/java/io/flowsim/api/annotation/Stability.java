package io.flowsim.api.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * How far a public type of the API can be relied on across FlowSim releases. Every public type of
 * {@code flowsim-api} carries it (a test checks), beside a javadoc {@code @since}. A method added to a
 * stable type may carry its own (experimental) level, which then applies to that method only.
 *
 * @since 0.1
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Stability(Stability.Level.STABLE)
public @interface Stability {

    /** The level of the annotated type or method. */
    Level value();

    /** Stability levels. */
    enum Level {
        /** Changes only by additions (new default methods, new record factories) until the next major version. */
        STABLE,
        /** May change in any minor version; plugins that use it should pin the FlowSim version they build against. */
        EXPERIMENTAL
    }
}
