import { describe, expect, it } from 'vitest';
import { matchRoute } from './router';

describe('matchRoute', () => {
  it('maps every page path, trailing slashes too', () => {
    expect(matchRoute('/')).toEqual({ page: 'sweeps' });
    expect(matchRoute('/new/')).toEqual({ page: 'new' });
    expect(matchRoute('/leaderboards')).toEqual({ page: 'leaderboards' });
    expect(matchRoute('/workers')).toEqual({ page: 'workers' });
    expect(matchRoute('/sweeps/ab12')).toEqual({ page: 'sweep', id: 'ab12' });
    expect(matchRoute('/sweeps/ab12/x')).toEqual({ page: 'not-found', path: '/sweeps/ab12/x' });
  });
});
