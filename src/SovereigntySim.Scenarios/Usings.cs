global using SovereigntySim.Domain.Scenario;
