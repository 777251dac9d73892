using OrgKeyRotation.Testing;

namespace OrgKeyRotation.Simulation.Tests;

/// <summary>One moto for the tests of a class; each run resets it first.</summary>
public sealed class SimulationFixture : IAsyncLifetime
{
    private MotoServer? _moto;

    public MotoServer Moto => _moto ?? throw new InvalidOperationException("moto is not started.");

    public async Task InitializeAsync() => _moto = await MotoServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_moto is not null)
        {
            await _moto.DisposeAsync();
        }
    }
}
