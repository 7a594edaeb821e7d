import { Command } from 'commander';
import { registerOrdererCommands } from './orderer-cli';

describe('the orderer command group', () => {
  const program = (): Command => {
    const p = new Command().name('fabpay-network').option('-t, --topology <file>').exitOverride();
    registerOrdererCommands(p, () => p.opts<{ topology?: string }>().topology);
    return p;
  };

  it('offers add [name] and remove <name>, each with --json', () => {
    const group = program().commands.find((c) => c.name() === 'orderer')!;
    expect(group.commands.map((c) => c.name())).toEqual(['add', 'remove']);
    const [add, remove] = group.commands;
    expect(add!.helpInformation()).toMatch(/^Usage: fabpay-network orderer add \[options\] \[name\]/);
    expect(remove!.helpInformation()).toMatch(/^Usage: fabpay-network orderer remove \[options\] <name>/);
    for (const c of [add!, remove!]) expect(c.options.map((o) => o.long)).toEqual(['--json']);
  });

  it('refuses remove without a name before touching anything', async () => {
    const p = program();
    p.commands.forEach((c) => c.exitOverride().configureOutput({ writeErr: () => undefined }));
    p.commands[0]!.commands.forEach((c) => c.exitOverride().configureOutput({ writeErr: () => undefined }));
    await expect(p.parseAsync(['orderer', 'remove'], { from: 'user' })).rejects.toThrow(
      /missing required argument 'name'/,
    );
  });
});
