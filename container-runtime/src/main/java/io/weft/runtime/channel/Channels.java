package io.weft.runtime.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.codec.MessageToMessageCodec;
import io.weft.runtime.channel.Messages.Message;
import io.weft.runtime.serial.KryoPool;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver-executor channel's pipelines, for both ends: length-prefixed frames, the mutual authentication of
 * {@link Handshake} (nothing else is read before it succeeds), then Kryo-encoded {@link Messages}. A frame that
 * does not decode, or any pipeline error, closes that one connection.
 */
public final class Channels {

    private static final Logger LOG = LoggerFactory.getLogger(Channels.class);

    /** Frames above this size are refused (the connection is closed). */
    static final int MAX_FRAME = 256 << 20;

    private Channels() {
    }

    /**
     * The pipeline of a connection accepted by the driver: framing and the server's side of the handshake; once
     * the peer has proven it holds the secret, the message codec and a new handler from {@code handlers}.
     *
     * @param secret the application's secret
     * @param kryo the message serializers
     * @param handlers makes the handler of one authenticated connection; runs on that connection's event loop
     * @return the initializer for a server bootstrap's child channels
     */
    public static ChannelInitializer<SocketChannel> server(byte[] secret, KryoPool kryo,
            java.util.function.Supplier<ChannelInboundHandlerAdapter> handlers) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                init(ch.pipeline(), new Handshake.Server(secret) {
                    @Override
                    void onAuthenticated(ChannelHandlerContext ctx) {
                        authenticated(ctx.pipeline(), kryo, handlers.get());
                    }
                });
                ch.pipeline().addLast("preauth-guard", new Guard());
            }
        };
    }

    /** Adds framing, the handshake and an error guard, in that order. */
    static void init(ChannelPipeline pipeline, Handshake handshake) {
        pipeline.addLast("frames", new LengthFieldBasedFrameDecoder(MAX_FRAME, 0, 4, 0, 4));
        pipeline.addLast("prepend", new LengthFieldPrepender(4));
        pipeline.addLast("handshake", handshake);
    }

    /**
     * The pipeline of a connection to the driver: framing and the client's side of the handshake.
     *
     * @param secret the application's secret
     * @param onAuthenticated runs on the event loop once the driver has proven itself; installs the message
     *     pipeline ({@link #authenticated}) and may send the first message
     * @return the initializer for a client bootstrap
     */
    public static ChannelInitializer<SocketChannel> client(byte[] secret, Consumer<ChannelHandlerContext> onAuthenticated) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                init(ch.pipeline(), new Handshake.Client(secret) {
                    @Override
                    void onAuthenticated(ChannelHandlerContext ctx) {
                        onAuthenticated.accept(ctx);
                    }
                });
            }
        };
    }

    /**
     * After authentication: the Kryo message codec and the application's handler replace the handshake. Called
     * on the connection's event loop.
     *
     * @param pipeline the authenticated connection's pipeline
     * @param kryo the message serializers
     * @param handler receives {@link Messages.Message}s
     */
    public static void authenticated(ChannelPipeline pipeline, KryoPool kryo, ChannelInboundHandlerAdapter handler) {
        pipeline.addAfter("handshake", "codec", new Codec(kryo));
        pipeline.addAfter("codec", "handler", handler);
        pipeline.addLast("guard", new Guard());
        pipeline.remove("handshake");
    }

    /**
     * @param prefix the threads' name prefix
     * @return a factory of daemon threads named {@code prefix-N}
     */
    public static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        };
    }

    /** Kryo-encodes messages; a frame that does not decode closes its connection. */
    static final class Codec extends MessageToMessageCodec<ByteBuf, Message> {
        private final KryoPool kryo;

        Codec(KryoPool kryo) {
            this.kryo = kryo;
        }

        @Override
        protected void encode(ChannelHandlerContext ctx, Message msg, List<Object> out) {
            out.add(Unpooled.wrappedBuffer(kryo.serialize(msg)));
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
            byte[] bytes = new byte[frame.readableBytes()];
            frame.readBytes(bytes);
            Object decoded;
            try {
                decoded = kryo.deserialize(bytes);
            } catch (RuntimeException e) {
                LOG.warn("Closing connection from {}: malformed message ({})", ctx.channel().remoteAddress(),
                        e.toString());
                ctx.close();
                return;
            }
            if (!(decoded instanceof Message)) {
                LOG.warn("Closing connection from {}: unexpected {}", ctx.channel().remoteAddress(),
                        decoded == null ? "null" : decoded.getClass().getName());
                ctx.close();
                return;
            }
            out.add(decoded);
        }
    }

    /** Closes a connection whose pipeline failed (oversized frame, I/O error), logging why. */
    static final class Guard extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.warn("Closing connection from {}: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }
}
