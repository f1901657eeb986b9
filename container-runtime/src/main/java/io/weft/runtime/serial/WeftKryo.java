package io.weft.runtime.serial;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers;
import com.esotericsoftware.kryo.serializers.ImmutableCollectionsSerializers;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy;
import java.io.Externalizable;
import java.io.Serializable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.objenesis.strategy.StdInstantiatorStrategy;

/**
 * Kryo configured the one way Weft uses it everywhere (driver, threads, executor JVMs, containers), so class ids
 * and serializers match on both sides.
 *
 * <ul>
 *   <li>Classes resolve through the application's class loader, set when the instance is made.</li>
 *   <li>Serializable lambdas go through {@link LambdaSerializer}; accumulators through
 *       {@link AccumulatorSerializer} (a zero copy per task).</li>
 *   <li>Classes with custom Java serialization ({@code writeObject}/{@code readObject}, {@code writeReplace},
 *       {@code readResolve}, {@link Externalizable}) are written with Java serialization inside the Kryo graph,
 *       so their invariants hold (Kryo's field-by-field copy would skip their logic).</li>
 *   <li>JDK collections Kryo cannot rebuild (unmodifiable wrappers, {@code Arrays.asList}, ...) travel element by
 *       element and arrive as unmodifiable collections with the same order.</li>
 *   <li>JDK value types travel without reflecting into {@code java.base}, so a program started with a plain
 *       {@code java -cp app.jar} (no {@code --add-opens}) can put them in datasets: Kryo's own serializers for
 *       {@code UUID}, {@code URI}, {@code Pattern}, the atomics and {@code ConcurrentSkipListMap} are registered
 *       (Kryo ships them but does not register them); other JDK classes without a dedicated Kryo serializer use
 *       Java serialization when they are {@link Serializable}, and are refused otherwise (a socket, a thread, a
 *       stream): reflecting into JDK internals would need JVM flags and produce broken copies.</li>
 *   <li>JDK collections with a public no-argument constructor keep their class through Kryo's generic collection
 *       and map serializers; a public one without (an {@code EnumMap}) uses Java serialization.</li>
 * </ul>
 *
 * <p>Not thread-safe, like every Kryo instance: use one per thread, from {@link KryoPool}.
 */
public final class WeftKryo extends Kryo {

    /** JDK classes that Kryo's generic collection and map serializers handle correctly. */
    private static final Set<Class<?>> KRYO_FRIENDLY_JDK = Set.of(
            java.util.ArrayList.class, java.util.LinkedList.class, java.util.HashMap.class,
            java.util.LinkedHashMap.class, java.util.TreeMap.class, java.util.HashSet.class,
            java.util.LinkedHashSet.class, java.util.TreeSet.class, java.util.ArrayDeque.class,
            java.util.concurrent.ConcurrentHashMap.class, java.util.concurrent.CopyOnWriteArrayList.class,
            java.util.Vector.class, java.util.Stack.class, java.util.Hashtable.class);

    private final JavaSerializer javaSerializer = new JavaSerializer();

    /**
     * @param classLoader the application's class loader
     */
    public WeftKryo(ClassLoader classLoader) {
        setClassLoader(classLoader);
        setRegistrationRequired(false);
        setReferences(true);
        setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
        register(LambdaSerializer.Closure.class, new LambdaSerializer());
        ImmutableCollectionsSerializers.addDefaultSerializers(this);
        addDefaultSerializer(UUID.class, new DefaultSerializers.UUIDSerializer());
        addDefaultSerializer(URI.class, new DefaultSerializers.URISerializer());
        addDefaultSerializer(Pattern.class, new DefaultSerializers.PatternSerializer());
        addDefaultSerializer(AtomicBoolean.class, new DefaultSerializers.AtomicBooleanSerializer());
        addDefaultSerializer(AtomicInteger.class, new DefaultSerializers.AtomicIntegerSerializer());
        addDefaultSerializer(AtomicLong.class, new DefaultSerializers.AtomicLongSerializer());
        addDefaultSerializer(AtomicReference.class, new DefaultSerializers.AtomicReferenceSerializer());
        addDefaultSerializer(ConcurrentSkipListMap.class, new DefaultSerializers.ConcurrentSkipListMapSerializer());
    }

    @Override
    public Registration getRegistration(Class type) {
        if (LambdaSerializer.isSerializableLambda(type)) {
            return super.getRegistration(LambdaSerializer.Closure.class);
        }
        return super.getRegistration(type);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Serializer getDefaultSerializer(Class type) {
        if (io.weft.api.Accumulator.class.isAssignableFrom(type)) {
            return new AccumulatorSerializer(this, type);
        }
        if (!isJdkClass(type)) {
            return hasCustomJavaSerialization(type) ? javaSerializer : super.getDefaultSerializer(type);
        }
        Serializer chosen = super.getDefaultSerializer(type);
        if (!isGenericCollection(chosen) || KRYO_FRIENDLY_JDK.contains(type) || hasPublicNoArgConstructor(type)) {
            return chosen;
        }
        if (Modifier.isPublic(type.getModifiers()) && Serializable.class.isAssignableFrom(type)) {
            return javaSerializer;
        }
        if (java.util.List.class.isAssignableFrom(type)) {
            return JdkCollectionSerializers.LIST;
        }
        if (java.util.Set.class.isAssignableFrom(type)) {
            return JdkCollectionSerializers.SET;
        }
        if (java.util.Map.class.isAssignableFrom(type)) {
            return JdkCollectionSerializers.MAP;
        }
        return javaSerializer;
    }

    /**
     * What Kryo falls back to for a class no default serializer claims: its field serializer, which for a JDK
     * class would reflect into {@code java.base} (refused on a stock JVM, and a broken copy where allowed). JDK
     * classes use Java serialization instead, or are refused.
     */
    @Override
    @SuppressWarnings("rawtypes")
    protected Serializer newDefaultSerializer(Class type) {
        if (!isJdkClass(type)) {
            return super.newDefaultSerializer(type);
        }
        if (Serializable.class.isAssignableFrom(type)) {
            return javaSerializer;
        }
        throw new KryoException(type.getName() + " is not serializable");
    }

    private static boolean hasPublicNoArgConstructor(Class<?> type) {
        if (!Modifier.isPublic(type.getModifiers()) || Modifier.isAbstract(type.getModifiers())) {
            return false;
        }
        try {
            return Modifier.isPublic(type.getConstructor().getModifiers());
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private static boolean isGenericCollection(Serializer<?> s) {
        return s instanceof com.esotericsoftware.kryo.serializers.CollectionSerializer
                || s instanceof com.esotericsoftware.kryo.serializers.MapSerializer;
    }

    private static boolean isJdkClass(Class<?> type) {
        String name = type.getName();
        return !type.isArray() && !type.isEnum() && (name.startsWith("java.") || name.startsWith("javax.")
                || name.startsWith("jdk.") || name.startsWith("sun.") || name.startsWith("com.sun."));
    }

    /**
     * @param type a non-JDK class
     * @return whether Java serialization hooks exist on it or a superclass, so Kryo must defer to them
     */
    static boolean hasCustomJavaSerialization(Class<?> type) {
        if (!Serializable.class.isAssignableFrom(type) || type.isEnum() || type.isRecord()) {
            return false;
        }
        if (Externalizable.class.isAssignableFrom(type)) {
            return true;
        }
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            if (hasMethod(c, "writeObject", java.io.ObjectOutputStream.class)
                    || hasMethod(c, "readObject", java.io.ObjectInputStream.class)
                    || hasMethod(c, "writeReplace") || hasMethod(c, "readResolve")) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasMethod(Class<?> c, String name, Class<?>... params) {
        try {
            Method m = c.getDeclaredMethod(name, params);
            return m != null;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
