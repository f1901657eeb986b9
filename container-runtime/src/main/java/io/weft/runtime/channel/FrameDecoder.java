package io.weft.runtime.channel;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits the byte stream into frames, each a 4-byte big-endian length and that many bytes, with a limit that
 * grows after authentication: until then a frame may be only {@link Channels#HANDSHAKE_FRAME} bytes, so an
 * unauthenticated peer cannot make the driver buffer more than that; afterwards {@link Channels#MAX_FRAME}. A
 * length over the limit (or negative) closes the connection as soon as the length arrives, before its bytes
 * are buffered. Runs on the connection's event loop, which also raises the limit (between two frames).
 */
final class FrameDecoder extends ByteToMessageDecoder {

    private static final Logger LOG = LoggerFactory.getLogger(FrameDecoder.class);

    private int maxFrame;
    private boolean failed;

    /** @param maxFrame the initial limit in bytes */
    FrameDecoder(int maxFrame) {
        this.maxFrame = maxFrame;
    }

    /** @param maxFrame the limit for the following frames, in bytes; call on the event loop */
    void maxFrame(int maxFrame) {
        this.maxFrame = maxFrame;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < 4) {
            return;
        }
        int length = in.getInt(in.readerIndex());
        if (length < 0 || length > maxFrame) {
            failed = true;
            in.skipBytes(in.readableBytes());
            LOG.warn("Closing connection with {}: a frame of {} bytes announced, over the limit of {} bytes{}",
                    ctx.channel().remoteAddress(), Integer.toUnsignedString(length), maxFrame,
                    maxFrame == Channels.HANDSHAKE_FRAME ? " before authentication" : "");
            ctx.close();
            return;
        }
        if (in.readableBytes() < 4 + length) {
            return;
        }
        in.skipBytes(4);
        out.add(in.readRetainedSlice(length));
    }
}
