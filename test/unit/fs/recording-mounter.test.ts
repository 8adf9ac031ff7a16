import { RecordingMounter } from '../../../src/fs/testing/recording-mounter';
import { runMounterSuite } from '../../../src/fs/testsuite';

runMounterSuite('recording fake', () => {
  const mounter = new RecordingMounter();
  return {
    mounter,
    makeBusy: async (target) => {
      mounter.busy.add(target);
      return () => mounter.busy.delete(target);
    },
  };
});
