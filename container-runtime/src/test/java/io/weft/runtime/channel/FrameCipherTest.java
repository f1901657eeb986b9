package io.weft.runtime.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The record layer of {@link FrameCipher} on Netty's in-memory channel, for the cases a TCP proxy cannot make
 * precisely: a frame cut at a record boundary (its new last record was sealed as "more to come") and two frames
 * run together under one length (the first's last record was sealed as "last") both fail, and keys derived for
 * one direction do not open the other.
 */
@Timeout(30)
class FrameCipherTest {

    private static final byte[] SALT = new byte[64];
    private static final byte[] UP = FrameCipher.deriveKey(ChannelFixture.SECRET, SALT, FrameCipher.CLIENT_TO_SERVER);
    private static final byte[] DOWN = FrameCipher.deriveKey(ChannelFixture.SECRET, SALT,
            FrameCipher.SERVER_TO_CLIENT);

    private static byte[] plain(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static byte[] seal(EmbeddedChannel sender, byte[] plain) {
        sender.writeOutbound(Unpooled.wrappedBuffer(plain));
        ByteBuf sealed = sender.readOutbound();
        try {
            return ByteBufUtil.getBytes(sealed);
        } finally {
            sealed.release();
        }
    }

    @Test
    void framesOfAnySizeRoundTripAndTakeTheirTagsLength() {
        EmbeddedChannel sender = new EmbeddedChannel(new FrameCipher(UP, DOWN));
        EmbeddedChannel receiver = new EmbeddedChannel(new FrameCipher(DOWN, UP));
        for (int size : new int[] {0, 1, FrameCipher.RECORD - 1, FrameCipher.RECORD, FrameCipher.RECORD + 1,
                5 * FrameCipher.RECORD + 3}) {
            byte[] plain = plain(size);
            byte[] sealed = seal(sender, plain);
            assertThat((long) sealed.length).isEqualTo(FrameCipher.sealedLength(size));
            receiver.writeInbound(Unpooled.wrappedBuffer(sealed));
            ByteBuf opened = receiver.readInbound();
            assertThat(ByteBufUtil.getBytes(opened)).isEqualTo(plain);
            opened.release();
        }
        assertThat(receiver.isOpen()).isTrue();
    }

    @Test
    void aFrameCutAtARecordBoundaryIsRefused() {
        EmbeddedChannel sender = new EmbeddedChannel(new FrameCipher(UP, DOWN));
        EmbeddedChannel receiver = new EmbeddedChannel(new FrameCipher(DOWN, UP));
        byte[] sealed = seal(sender, plain(3 * FrameCipher.RECORD));
        byte[] cut = java.util.Arrays.copyOf(sealed, 2 * (FrameCipher.RECORD + FrameCipher.TAG_BYTES));
        receiver.writeInbound(Unpooled.wrappedBuffer(cut));
        assertThat((Object) receiver.readInbound()).isNull();
        assertThat(receiver.isOpen()).isFalse();
    }

    @Test
    void twoFramesRunTogetherAreRefused() {
        EmbeddedChannel sender = new EmbeddedChannel(new FrameCipher(UP, DOWN));
        EmbeddedChannel receiver = new EmbeddedChannel(new FrameCipher(DOWN, UP));
        byte[] first = seal(sender, plain(FrameCipher.RECORD));
        byte[] second = seal(sender, plain(100));
        byte[] joined = new byte[first.length + second.length];
        System.arraycopy(first, 0, joined, 0, first.length);
        System.arraycopy(second, 0, joined, first.length, second.length);
        receiver.writeInbound(Unpooled.wrappedBuffer(joined));
        assertThat((Object) receiver.readInbound()).isNull();
        assertThat(receiver.isOpen()).isFalse();
    }

    @Test
    void aFrameSealedForOneDirectionDoesNotOpenInTheOther() {
        EmbeddedChannel client = new EmbeddedChannel(new FrameCipher(UP, DOWN));
        byte[] sealed = seal(client, plain(10));
        EmbeddedChannel reflectedTo = new EmbeddedChannel(new FrameCipher(UP, DOWN)); // the client itself
        reflectedTo.writeInbound(Unpooled.wrappedBuffer(sealed));
        assertThat((Object) reflectedTo.readInbound()).isNull();
        assertThat(reflectedTo.isOpen()).isFalse();
        assertThat(UP).isNotEqualTo(DOWN);
    }
}
