using Xunit.Abstractions;
using Xunit.Sdk;

namespace ThermoHand.Dashboard.Tests.Support;

/// <summary>Marks a test class that runs against the throwaway PostgreSQL server.</summary>
public interface INeedsPostgres;

/// <summary>
/// A fact of a store contract shared by the SQLite and PostgreSQL test classes: it runs everywhere, except that in a
/// class marked <see cref="INeedsPostgres"/> it is skipped — with the reason — when PostgreSQL's binaries are absent.
/// </summary>
[XunitTestCaseDiscoverer("ThermoHand.Dashboard.Tests.Support.StoreFactDiscoverer", "ThermoHand.Dashboard.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoreFactAttribute : FactAttribute;

public sealed class StoreFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var needsPostgres = typeof(INeedsPostgres).IsAssignableFrom(testMethod.TestClass.Class.ToRuntimeType());
        var skip = needsPostgres && PostgresServer.FindBinFolder() is null ? PostgresFactAttribute.SkipMessage : null;
        yield return new StoreTestCase(diagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, skip);
    }
}

public sealed class StoreTestCase : XunitTestCase
{
    private string? skip;

    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public StoreTestCase()
    {
    }

    public StoreTestCase(IMessageSink sink, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod method, string? skip)
        : base(sink, display, options, method)
    {
        this.skip = skip;
        SkipReason = skip;
    }

    protected override string? GetSkipReason(IAttributeInfo factAttribute) => skip ?? base.GetSkipReason(factAttribute);

    public override void Serialize(IXunitSerializationInfo data)
    {
        base.Serialize(data);
        data.AddValue("StoreSkip", skip);
    }

    public override void Deserialize(IXunitSerializationInfo data)
    {
        base.Deserialize(data);
        skip = data.GetValue<string?>("StoreSkip");
        if (skip is not null)
        {
            SkipReason = skip;
        }
    }
}
