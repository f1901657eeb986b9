package io.weft.driver;

import io.weft.api.ClosureSerializationException;
import io.weft.runtime.serial.KryoPool;
import io.weft.runtime.serial.LambdaSerializer;
import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks, when a transformation is defined, that its function can travel to executors, and otherwise explains
 * why in terms the user can act on: the operator, the lambda's implementing class and method, the captured
 * value's position and type, and the fix. Thread-safe.
 *
 * <p>Rules, as Spark users expect: every value a function captures must be {@link Serializable} (a lambda that
 * touches a field captures the whole enclosing object, which is usually a driver-side object that must not
 * travel), and the whole graph must serialize with Kryo.
 */
public final class ClosureChecker {

    private final KryoPool kryo;

    /**
     * @param kryo the serializers tasks use
     */
    public ClosureChecker(KryoPool kryo) {
        this.kryo = kryo;
    }

    /**
     * @param operator the transformation, e.g. {@code map}
     * @param function the user's function
     * @throws ClosureSerializationException when it cannot be shipped
     */
    public void check(String operator, Object function) {
        String where = describe(function);
        List<Object> captured = capturedValues(function);
        for (int i = 0; i < captured.size(); i++) {
            Object value = captured.get(i);
            if (value == null) {
                continue;
            }
            boolean enclosing = isEnclosingInstance(function, value);
            if (!(value instanceof Serializable)) {
                throw new ClosureSerializationException(message(operator, where, i, value, enclosing,
                        "its class does not implement java.io.Serializable"), null);
            }
            try {
                kryo.serialize(value);
            } catch (RuntimeException | StackOverflowError e) {
                throw new ClosureSerializationException(message(operator, where, i, value, enclosing,
                        rootMessage(e)), e);
            }
        }
        try {
            kryo.serialize(function);
        } catch (RuntimeException | StackOverflowError e) {
            throw new ClosureSerializationException(operator + ": the function " + where
                    + " cannot be serialized for the executors: " + rootMessage(e)
                    + ". Fix: capture only serializable values (copy what you need into local variables before the"
                    + " lambda, or use a broadcast).", e);
        }
    }

    private static String message(String operator, String where, int index, Object value, boolean enclosing,
            String reason) {
        StringBuilder m = new StringBuilder();
        m.append(operator).append(": the function ").append(where).append(" captures a value of type ")
                .append(value.getClass().getName()).append(" (captured value ").append(index)
                .append(") that cannot be sent to executors: ").append(reason).append(". Fix: ");
        if (enclosing) {
            m.append("the lambda uses a field or method of the enclosing ").append(value.getClass().getName())
                    .append(", so it captures that whole object; copy the field into a local variable before the"
                            + " lambda, or make the method static.");
        } else {
            m.append("do not capture it; create such objects inside the function (once per partition with"
                    + " mapPartitions), copy just the serializable data you need into a local variable, or use"
                    + " a broadcast for large read-only values.");
        }
        return m.toString();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root.getMessage() == null ? root.getClass().getName() : root.getMessage();
        int newline = text.indexOf('\n');
        return newline > 0 ? text.substring(0, newline) : text;
    }

    /**
     * @param function a function object
     * @return e.g. {@code lambda$main$0 in com.example.WordCount} or the class name
     */
    static String describe(Object function) {
        if (LambdaSerializer.isSerializableLambda(function.getClass())) {
            try {
                SerializedLambda s = LambdaSerializer.toSerializedLambda(function);
                return s.getImplMethodName() + " in " + s.getImplClass().replace('/', '.');
            } catch (RuntimeException e) {
                return function.getClass().getName();
            }
        }
        return function.getClass().getName();
    }

    private static List<Object> capturedValues(Object function) {
        List<Object> values = new ArrayList<>();
        if (LambdaSerializer.isSerializableLambda(function.getClass())) {
            try {
                SerializedLambda s = LambdaSerializer.toSerializedLambda(function);
                for (int i = 0; i < s.getCapturedArgCount(); i++) {
                    values.add(s.getCapturedArg(i));
                }
            } catch (RuntimeException ignored) {
                // Fall through to the whole-function check.
            }
            return values;
        }
        for (Class<?> c = function.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            if (c.getName().startsWith("java.")) {
                break;
            }
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || Modifier.isTransient(f.getModifiers())
                        || f.getType().isPrimitive()) {
                    continue;
                }
                try {
                    f.setAccessible(true);
                    values.add(f.get(function));
                } catch (ReflectiveOperationException | RuntimeException ignored) {
                    // Inaccessible: left to the whole-function check.
                }
            }
        }
        return values;
    }

    private static boolean isEnclosingInstance(Object function, Object value) {
        if (LambdaSerializer.isSerializableLambda(function.getClass())) {
            try {
                SerializedLambda s = LambdaSerializer.toSerializedLambda(function);
                return value.getClass().getName().equals(s.getCapturingClass().replace('/', '.'));
            } catch (RuntimeException e) {
                return false;
            }
        }
        Class<?> enclosing = function.getClass().getEnclosingClass();
        return enclosing != null && enclosing.isInstance(value);
    }
}
