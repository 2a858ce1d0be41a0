using System.Buffers.Binary;
using System.Device.I2c;

namespace ThermoHand.Mlx90640.Tests;

/// <summary>Passes transfers to another device and records the address and length of every read.</summary>
internal sealed class I2cRecordingDevice(I2cDevice inner) : I2cDevice
{
    public List<(ushort Address, int ByteCount)> Reads { get; } = [];

    public List<byte[]> Writes { get; } = [];

    public override I2cConnectionSettings ConnectionSettings => inner.ConnectionSettings;

    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        Reads.Add((BinaryPrimitives.ReadUInt16BigEndian(writeBuffer), readBuffer.Length));
        inner.WriteRead(writeBuffer, readBuffer);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Writes.Add(buffer.ToArray());
        inner.Write(buffer);
    }

    public override void Read(Span<byte> buffer) => inner.Read(buffer);

    public override byte ReadByte() => inner.ReadByte();

    public override void WriteByte(byte value) => inner.WriteByte(value);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
