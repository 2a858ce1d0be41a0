using System.Device.I2c;

namespace ThermoHand.Mlx90640.Tests;

/// <summary>
/// An I2C device that expects an exact script of transfers (bytes written, bytes answered) and fails the test on the
/// first transfer that differs — the byte-level check of what the driver puts on the wire.
/// </summary>
internal sealed class I2cScriptedDevice : I2cDevice
{
    private readonly Queue<(string Kind, byte[] Write, byte[] Response)> script = new();

    public override I2cConnectionSettings ConnectionSettings { get; } = new(1, Mlx90640.DefaultI2cAddress);

    public bool Disposed { get; private set; }

    public int Remaining => script.Count;

    public I2cScriptedDevice ExpectWriteRead(byte[] write, byte[] response)
    {
        script.Enqueue(("WriteRead", write, response));
        return this;
    }

    public I2cScriptedDevice ExpectWrite(byte[] write)
    {
        script.Enqueue(("Write", write, []));
        return this;
    }

    /// <summary>A register read: the 2-byte big-endian address, answered by one big-endian word.</summary>
    public I2cScriptedDevice ExpectRegisterRead(ushort address, ushort value) =>
        ExpectWriteRead([(byte)(address >> 8), (byte)address], [(byte)(value >> 8), (byte)value]);

    /// <summary>A register write: address then value, big-endian, one transfer.</summary>
    public I2cScriptedDevice ExpectRegisterWrite(ushort address, ushort value) =>
        ExpectWrite([(byte)(address >> 8), (byte)address, (byte)(value >> 8), (byte)value]);

    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        var (kind, write, response) = Next("WriteRead");
        Assert.Equal(Hex(write), Hex(writeBuffer));
        Assert.Equal(response.Length, readBuffer.Length);
        response.CopyTo(readBuffer);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        var (_, write, _) = Next("Write");
        Assert.Equal(Hex(write), Hex(buffer));
    }

    public override void Read(Span<byte> buffer) => throw new Xunit.Sdk.XunitException("The driver must not read without an address (use WriteRead with repeated start).");

    public override byte ReadByte() => throw new Xunit.Sdk.XunitException("The driver must not read single bytes.");

    public override void WriteByte(byte value) => throw new Xunit.Sdk.XunitException("The driver must not write single bytes.");

    protected override void Dispose(bool disposing)
    {
        Disposed = true;
        base.Dispose(disposing);
    }

    private (string Kind, byte[] Write, byte[] Response) Next(string kind)
    {
        Assert.True(script.Count > 0, $"Unexpected {kind}: the script has ended.");
        var step = script.Dequeue();
        Assert.Equal(step.Kind, kind);
        return step;
    }

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes);
}
