package io.weft.driver.session;

import com.esotericsoftware.kryo.SerializerFactory;
import com.esotericsoftware.kryo.serializers.FieldSerializer;
import io.weft.api.lineage.Dependency;
import io.weft.api.lineage.Node;
import io.weft.runtime.serial.KryoPool;

/**
 * The serializers of a session connection's opaque payloads: the application's ({@link
 * io.weft.runtime.serial.WeftKryo}) over the given class loader, except that lineage nodes and dependencies
 * travel whole. Task binaries leave out what stays on the driver ({@code transient}: a parallelized list's slices,
 * a shuffle dependency's parent, a source's preferred hosts); between an attached program and the session the
 * whole lineage must travel, since the session's driver plans the job. Stateless.
 */
final class SessionWire {

    private SessionWire() {
    }

    /**
     * @param classLoader the program's class loader (client side) or the attachment scope's (session side)
     * @return a pool of wire serializers
     */
    static KryoPool pool(ClassLoader classLoader) {
        return new KryoPool(classLoader, kryo -> {
            FieldSerializer.FieldSerializerConfig config = new FieldSerializer.FieldSerializerConfig();
            config.setSerializeTransient(true);
            kryo.addDefaultSerializer(Node.class, new SerializerFactory.FieldSerializerFactory(config));
            kryo.addDefaultSerializer(Dependency.class, new SerializerFactory.FieldSerializerFactory(config));
        });
    }
}
