package io.weft.runtime.serial;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Pool;
import java.util.function.Function;

/**
 * A thread-safe pool of {@link WeftKryo} instances sharing one class loader, plus whole-object helpers.
 * Borrow an instance for the duration of one stream and release it on the same thread.
 */
public final class KryoPool {

    private final ClassLoader classLoader;
    private final Pool<Kryo> pool;

    /**
     * @param classLoader the application's class loader, used by every instance
     */
    public KryoPool(ClassLoader classLoader) {
        this(classLoader, kryo -> {
        });
    }

    /**
     * A pool whose instances are adjusted once when made (for a wire format that differs from the task one).
     *
     * @param classLoader the application's class loader, used by every instance
     * @param customizer called on each new instance, on the thread that first borrows it
     */
    public KryoPool(ClassLoader classLoader, java.util.function.Consumer<Kryo> customizer) {
        this.classLoader = classLoader;
        this.pool = new Pool<>(true, false, 64) {
            @Override
            protected Kryo create() {
                Kryo kryo = new WeftKryo(classLoader);
                customizer.accept(kryo);
                return kryo;
            }
        };
    }

    /** @return the class loader the instances use */
    public ClassLoader classLoader() {
        return classLoader;
    }

    /** @return an instance for this thread's exclusive use until {@link #release(Kryo)} */
    public Kryo borrow() {
        return pool.obtain();
    }

    /** @param kryo an instance from {@link #borrow()} */
    public void release(Kryo kryo) {
        pool.free(kryo);
    }

    /**
     * Runs a function with a borrowed instance.
     *
     * @param f the function
     * @param <R> result type
     * @return its result
     */
    public <R> R with(Function<Kryo, R> f) {
        Kryo kryo = borrow();
        try {
            return f.apply(kryo);
        } finally {
            release(kryo);
        }
    }

    /**
     * @param value any object graph (may be {@code null})
     * @return its bytes, class included
     * @throws com.esotericsoftware.kryo.KryoException when part of the graph cannot be serialized
     */
    public byte[] serialize(Object value) {
        return with(kryo -> {
            Output out = new Output(256, -1);
            kryo.writeClassAndObject(out, value);
            return out.toBytes();
        });
    }

    /**
     * @param bytes bytes from {@link #serialize(Object)}
     * @param <T> expected type
     * @return the object graph
     */
    @SuppressWarnings("unchecked")
    public <T> T deserialize(byte[] bytes) {
        return with(kryo -> (T) kryo.readClassAndObject(new Input(bytes)));
    }

    /**
     * @param value an object graph
     * @param <T> its type
     * @return a deep copy (immutable parts may be shared)
     */
    public <T> T copy(T value) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean
                || value instanceof Character || value instanceof Enum<?>) {
            return value;
        }
        // Through bytes rather than Kryo.copy: Java-serialized classes and lambdas have no copy support.
        return deserialize(serialize(value));
    }
}
