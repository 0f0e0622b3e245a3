/*
 * Starts the Intercom Messenger once the app has mounted; added by intercom-wizard.
 * React before 16.8 has no hooks, so this is a class component. Render
 * <IntercomMessenger /> once, near the root of the app. It renders nothing.
 */
import { Component } from 'react';
import { startIntercomMessenger } from '__IW_CORE_IMPORT__';

export class IntercomMessenger extends Component {
  componentDidMount(): void {
    startIntercomMessenger();
  }

  render(): null {
    return null;
  }
}
