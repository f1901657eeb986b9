package io.weft.runtime.serial;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;

/**
 * Serializes a serializable lambda as its {@link SerializedLambda} and rebuilds it through the capturing class's
 * {@code $deserializeLambda$} method, found with the Kryo instance's class loader.
 *
 * <p>Kryo's own closure serializer calls {@code SerializedLambda.readResolve}, which needs
 * {@code --add-opens java.base/java.lang.invoke}; going to the capturing class directly needs no JVM flag, so a
 * user's {@code java -cp app.jar} behaves like our containers. Stateless and thread-safe.
 */
public final class LambdaSerializer extends Serializer<Object> {

    /** Marker class under which lambdas are registered (every lambda class is distinct). */
    static final class Closure {
        private Closure() {
        }
    }

    @Override
    public void write(Kryo kryo, Output output, Object lambda) {
        SerializedLambda serialized = toSerializedLambda(lambda);
        output.writeString(serialized.getCapturingClass().replace('/', '.'));
        output.writeString(serialized.getFunctionalInterfaceClass());
        output.writeString(serialized.getFunctionalInterfaceMethodName());
        output.writeString(serialized.getFunctionalInterfaceMethodSignature());
        output.writeVarInt(serialized.getImplMethodKind(), true);
        output.writeString(serialized.getImplClass());
        output.writeString(serialized.getImplMethodName());
        output.writeString(serialized.getImplMethodSignature());
        output.writeString(serialized.getInstantiatedMethodType());
        int captured = serialized.getCapturedArgCount();
        output.writeVarInt(captured, true);
        for (int i = 0; i < captured; i++) {
            kryo.writeClassAndObject(output, serialized.getCapturedArg(i));
        }
    }

    @Override
    public Object read(Kryo kryo, Input input, Class<?> type) {
        String capturingClassName = input.readString();
        Class<?> capturingClass;
        try {
            capturingClass = Class.forName(capturingClassName, false, kryo.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new KryoException("Cannot load the class that defined a lambda, " + capturingClassName
                    + ": the executor must run the same application jar as the driver", e);
        }
        String fiClass = input.readString();
        String fiMethod = input.readString();
        String fiSignature = input.readString();
        int implKind = input.readVarInt(true);
        String implClass = input.readString();
        String implMethod = input.readString();
        String implSignature = input.readString();
        String instantiatedType = input.readString();
        int count = input.readVarInt(true);
        Object[] captured = new Object[count];
        for (int i = 0; i < count; i++) {
            captured[i] = kryo.readClassAndObject(input);
        }
        SerializedLambda serialized = new SerializedLambda(capturingClass, fiClass, fiMethod, fiSignature, implKind,
                implClass, implMethod, implSignature, instantiatedType, captured);
        try {
            Method deserialize = capturingClass.getDeclaredMethod("$deserializeLambda$", SerializedLambda.class);
            deserialize.setAccessible(true);
            return deserialize.invoke(null, serialized);
        } catch (ReflectiveOperationException e) {
            throw new KryoException("Cannot rebuild lambda " + implClass.replace('/', '.') + "." + implMethod
                    + ": the executor must run the same application jar as the driver", e);
        }
    }

    @Override
    public Object copy(Kryo kryo, Object original) {
        return original;
    }

    /**
     * @param lambda a serializable lambda
     * @return its serialized form
     * @throws KryoException if the object is not a serializable lambda
     */
    public static SerializedLambda toSerializedLambda(Object lambda) {
        try {
            Method writeReplace = lambda.getClass().getDeclaredMethod("writeReplace");
            writeReplace.setAccessible(true);
            Object replaced = writeReplace.invoke(lambda);
            if (replaced instanceof SerializedLambda serialized) {
                return serialized;
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new KryoException("Not a serializable lambda: " + lambda.getClass().getName(), e);
        }
        throw new KryoException("Not a serializable lambda: " + lambda.getClass().getName());
    }

    /**
     * @param type a class
     * @return whether it is the class of a serializable lambda
     */
    public static boolean isSerializableLambda(Class<?> type) {
        if (!type.isSynthetic() || !java.io.Serializable.class.isAssignableFrom(type)) {
            return false;
        }
        return type.getName().contains("$$Lambda");
    }
}
